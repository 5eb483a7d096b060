using Communique.Rendering;

namespace Communique.Video;

// Makes a record's plan from a template: fills in the Liquid of text layers and buttons, lays the text out, and places
// every layer on the video's timeline. A failure names the field whose template failed.
public sealed class VideoPlanner(LiquidTemplates liquid)
{
    public const string DefaultTextColour = "#ffffff";
    public const string DefaultButtonColour = "#1a4d8f";
    public const double DefaultSize = 48;

    public async Task<(VideoPlan? Plan, string? Failure)> PlanAsync(
        VideoTemplate template, IReadOnlyDictionary<string, object?> record, RenderOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(record);
        var video = template.Content;
        var scenes = new List<VideoPlanScene>();
        var layers = new List<VideoPlanLayer>();
        var captions = new List<VideoPlanCaption>();
        var start = 0.0;
        for (var s = 0; s < video.Scenes!.Count; s++)
        {
            var scene = video.Scenes[s];
            var background = scene.Background;
            scenes.Add(new VideoPlanScene(start, scene.Duration,
                background?.Colour ?? (background?.Image is null && background?.Video is null ? "#000000" : null),
                Asset(template, background?.Image), background?.Zoom ?? 1, Asset(template, background?.Video),
                background?.Sound ?? false, Asset(template, scene.Audio?.Asset), scene.Audio?.Volume ?? 1));
            for (var l = 0; l < (scene.Layers?.Count ?? 0); l++)
            {
                var layer = scene.Layers![l];
                var from = start + layer.Start;
                var to = start + (layer.End ?? scene.Duration);
                var planned = new VideoPlanLayer(layer.Type, from, to, layer.X, layer.Y, layer.Width, layer.Height,
                    layer.Opacity, layer.In, layer.Out, layer.Colour);
                switch (layer.Type)
                {
                    case "text":
                        var (text, failure) = await RenderAsync(layer.Text!, record, options, cancellationToken);
                        if (failure is not null)
                        {
                            return (null, $"scenes[{s}].layers[{l}].text: {failure}");
                        }

                        var font = VideoFonts.Key(layer.Font, layer.Bold, layer.Italic);
                        var (size, lines) = VideoLayout.Fit(text!, font, layer.Size ?? DefaultSize,
                            layer.Align ?? "left", layer.X, layer.Y, layer.Width, layer.Height);
                        planned = planned with
                        {
                            Colour = layer.Colour ?? DefaultTextColour, Font = font, Size = size, Lines = lines,
                        };
                        if (video.Captions && lines.Count > 0)
                        {
                            captions.Add(new VideoPlanCaption(from, to, string.Join(" ", lines.Select(t => t.Text))));
                        }

                        break;
                    case "image":
                        planned = planned with
                        {
                            Image = Asset(template, layer.Image), Source = Url(record, layer.Field),
                            Fit = layer.Fit ?? "contain",
                        };
                        if (planned.Image is null && planned.Source is null)
                        {
                            // A record without a usable URL shows nothing there rather than failing its video.
                            continue;
                        }

                        break;
                    default:
                        planned = planned with
                        {
                            Colour = layer.Colour ?? DefaultTextColour, Shape = layer.Shape ?? "rectangle",
                            Radius = layer.Radius,
                        };
                        break;
                }

                layers.Add(planned);
            }

            start += scene.Duration;
        }

        var ctas = new List<VideoPlanCta>();
        for (var c = 0; c < (video.Ctas?.Count ?? 0); c++)
        {
            var cta = video.Ctas![c];
            var (label, labelFailure) = await RenderAsync(cta.Label, record, options, cancellationToken);
            var (url, urlFailure) = await RenderAsync(cta.Url, record, options, cancellationToken);
            if ((labelFailure ?? urlFailure) is { } failure)
            {
                return (null, $"ctas[{c}]: {failure}");
            }

            var font = VideoFonts.Key(VideoFonts.Default, bold: true, italic: false);
            var (size, lines) = VideoLayout.Fit(label!, font, Math.Min(32, cta.Height * 0.45), "center",
                cta.X + cta.Height * 0.25, cta.Y, Math.Max(1, cta.Width - cta.Height * 0.5), cta.Height);
            ctas.Add(new VideoPlanCta(label!.Trim(), url!.Trim(), cta.Start, cta.X, cta.Y, cta.Width, cta.Height,
                cta.Colour ?? DefaultButtonColour, cta.TextColour ?? DefaultTextColour, font, size, lines));
        }

        return (new VideoPlan(video.Width, video.Height, video.FrameRate, start, Asset(template, video.Audio?.Asset),
            video.Audio?.Volume ?? 1, scenes, layers, captions, ctas), null);
    }

    private static Guid? Asset(VideoTemplate template, string? name) =>
        name is not null && template.Assets.TryGetValue(name, out var id) ? id : null;

    // Only an absolute http(s) URL is taken from the record; the player fetches it through the server.
    private static string? Url(IReadOnlyDictionary<string, object?> record, string? field) =>
        field is not null && record.TryGetValue(field, out var value) && value?.ToString() is { Length: <= 2000 } text
        && Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == "https" || uri.Scheme == "http")
            ? uri.AbsoluteUri
            : null;

    private async Task<(string? Text, string? Failure)> RenderAsync(
        string source, IReadOnlyDictionary<string, object?> record, RenderOptions options,
        CancellationToken cancellationToken)
    {
        if (!liquid.TryCompile(source, out var compiled, out var error))
        {
            return (null, $"line {error.Line}, column {error.Column}: {error.Message}");
        }

        var outcome = await liquid.RenderAsync(compiled, record, options, cancellationToken);
        return outcome.Succeeded ? (outcome.Text, null) : (null, outcome.Failure!.Message);
    }
}
