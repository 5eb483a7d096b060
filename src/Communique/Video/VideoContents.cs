using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Communique.Assets.Storage;
using Communique.Communications;
using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Video;

// Checks a video communication's content when it is saved: its shape, that every layer lies inside the frame and
// inside its scene's time, that its templates compile, and (CheckAssetsAsync) that the assets it names exist and are
// of the right kind. Errors are keyed by the path of the field at fault.
public static partial class VideoContents
{
    public const int MaxScenes = 50;
    public const int MaxLayers = 100;
    public const int MaxCtas = 5;
    public const double MaxSeconds = 600;
    public const int MaxTextChars = 2000;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly string[] LayerTypes = ["text", "image", "shape"];
    private static readonly string[] Aligns = ["left", "center", "right"];
    private static readonly string[] Fits = ["contain", "cover"];
    private static readonly string[] Shapes = ["rectangle", "ellipse"];
    private static readonly string[] Effects = ["fade", "slide-left", "slide-right", "slide-up", "slide-down"];

    public static string Empty => JsonSerializer.Serialize(
        new VideoContent(Scenes: [new VideoScene(5, new VideoBackground(Colour: "#000000"), [])]), Json);

    public static VideoContent Read(string json) => JsonSerializer.Deserialize<VideoContent>(json, Json)!;

    public static bool TryNormalize(
        JsonElement content, Func<string, TemplateProblem?> checkTemplate, out string normalized,
        Dictionary<string, string[]> errors)
    {
        normalized = "";
        VideoContent? video;
        try
        {
            video = content.Deserialize<VideoContent>(Json);
        }
        catch (JsonException e)
        {
            errors["content" + (e.Path is null or "$" ? "" : e.Path.TrimStart('$'))] = [e.Message];
            return false;
        }

        if (video is null)
        {
            errors["content"] = ["Content must be a JSON object."];
            return false;
        }

        new Checker(video, checkTemplate, errors).Check();
        if (errors.Count > 0)
        {
            return false;
        }

        normalized = JsonSerializer.Serialize(video, Json);
        return true;
    }

    // The assets the content names, each with its path and the kind it must be.
    public static IEnumerable<(string Path, string Name, AssetKind Kind)> Assets(VideoContent video)
    {
        ArgumentNullException.ThrowIfNull(video);
        if (video.Audio is { } audio)
        {
            yield return ("content.audio.asset", audio.Asset, AssetKind.Audio);
        }

        for (var s = 0; s < (video.Scenes?.Count ?? 0); s++)
        {
            var scene = video.Scenes![s];
            var at = $"content.scenes[{s}]";
            if (scene.Background?.Image is { } image)
            {
                yield return ($"{at}.background.image", image, AssetKind.Image);
            }

            if (scene.Background?.Video is { } clip)
            {
                yield return ($"{at}.background.video", clip, AssetKind.Video);
            }

            if (scene.Audio is { } sound)
            {
                yield return ($"{at}.audio.asset", sound.Asset, AssetKind.Audio);
            }

            for (var l = 0; l < (scene.Layers?.Count ?? 0); l++)
            {
                if (scene.Layers![l] is { Type: "image", Image: { } layerImage })
                {
                    yield return ($"{at}.layers[{l}].image", layerImage, AssetKind.Image);
                }
            }
        }
    }

    // Every asset named must be one of the team's, by id, or by name in the communication's asset folder.
    public static async Task CheckAssetsAsync(
        AppDb db, string content, Guid? folderId, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var (path, name, kind) in Assets(Read(content)))
        {
            var found = await VideoAssets.FindAsync(db, name, folderId, cancellationToken);
            if (found is null)
            {
                errors[path] = [Guid.TryParse(name, out _) || folderId is not null
                    ? $"No asset of this team is named '{name}'."
                    : $"The asset '{name}' is named, but the communication has no asset folder; name it by its id."];
            }
            else if (found.Kind != kind)
            {
                errors[path] = [$"The asset '{name}' is {Named(found.Kind)}, not {Named(kind)}."];
            }
        }
    }

    private static string Named(AssetKind kind) => kind switch
    {
        AssetKind.Image => "an image",
        AssetKind.Attachment => "an attachment",
        AssetKind.Font => "a font",
        AssetKind.DesignScheme => "a design scheme",
        AssetKind.Video => "a video",
        _ => "an audio file",
    };

    [GeneratedRegex("^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$", RegexOptions.None, 1000)]
    private static partial Regex ColourPattern();

    [GeneratedRegex(@"^[\p{L}_][\p{L}\p{N}_.\-]{0,199}$", RegexOptions.None, 1000)]
    private static partial Regex FieldPattern();

    private sealed class Checker(
        VideoContent video, Func<string, TemplateProblem?> checkTemplate, Dictionary<string, string[]> errors)
    {
        private int _layers;

        public void Check()
        {
            if (video.Width is < 160 or > 3840 || video.Width % 2 != 0)
            {
                Fail("content.width", "An even number of pixels from 160 to 3840.");
            }

            if (video.Height is < 90 or > 2160 || video.Height % 2 != 0)
            {
                Fail("content.height", "An even number of pixels from 90 to 2160.");
            }

            if (video.FrameRate is < 1 or > 60)
            {
                Fail("content.frameRate", "From 1 to 60 frames a second.");
            }

            if (video.Scenes is not { Count: > 0 })
            {
                Fail("content.scenes", "A video needs at least one scene.");
                return;
            }

            if (video.Scenes.Count > MaxScenes)
            {
                Fail("content.scenes", $"At most {MaxScenes} scenes.");
                return;
            }

            if (video.Audio is { } audio)
            {
                Audio("content.audio", audio);
            }

            var total = 0.0;
            for (var s = 0; s < video.Scenes.Count; s++)
            {
                if (video.Scenes[s] is not { } scene)
                {
                    Fail($"content.scenes[{s}]", "A scene is an object.");
                    continue;
                }

                Scene($"content.scenes[{s}]", scene);
                total += Math.Max(0, scene.Duration);
            }

            if (total > MaxSeconds)
            {
                Fail("content.scenes", $"The scenes last {Seconds(total)} s; a video lasts at most {MaxSeconds} s.");
            }

            if (video.Ctas is { Count: > MaxCtas })
            {
                Fail("content.ctas", $"At most {MaxCtas} buttons.");
                return;
            }

            for (var c = 0; c < (video.Ctas?.Count ?? 0); c++)
            {
                Cta($"content.ctas[{c}]", video.Ctas![c], total);
            }
        }

        private void Scene(string at, VideoScene scene)
        {
            if (scene.Duration is < 0.5 or > MaxSeconds || double.IsNaN(scene.Duration))
            {
                Fail($"{at}.duration", $"From 0.5 to {MaxSeconds} seconds.");
            }

            if (scene.Background is { } background)
            {
                var given = new[] { background.Colour, background.Image, background.Video }.Count(b => b is not null);
                if (given != 1)
                {
                    Fail($"{at}.background", "Give one of colour, image and video.");
                }
                else if (background.Colour is { } colour)
                {
                    Colour($"{at}.background.colour", colour);
                }

                if (background.Zoom is < 1 or > 2 || double.IsNaN(background.Zoom))
                {
                    Fail($"{at}.background.zoom", "From 1 (no zoom) to 2.");
                }
                else if (background.Zoom != 1 && background.Image is null)
                {
                    Fail($"{at}.background.zoom", "Only an image background zooms.");
                }
            }

            if (scene.Audio is { } audio)
            {
                Audio($"{at}.audio", audio);
            }

            for (var l = 0; l < (scene.Layers?.Count ?? 0); l++)
            {
                if (++_layers > MaxLayers)
                {
                    Fail($"{at}.layers[{l}]", $"A video has at most {MaxLayers} layers.");
                    return;
                }

                if (scene.Layers![l] is not { } layer)
                {
                    Fail($"{at}.layers[{l}]", "A layer is an object.");
                    continue;
                }

                Layer($"{at}.layers[{l}]", layer, scene.Duration);
            }
        }

        private void Layer(string at, VideoLayer layer, double sceneDuration)
        {
            if (!LayerTypes.Contains(layer.Type))
            {
                Fail($"{at}.type", "One of: text, image, shape.");
                return;
            }

            Box(at, layer.X, layer.Y, layer.Width, layer.Height);
            var end = layer.End ?? sceneDuration;
            if (layer.Start < 0 || double.IsNaN(layer.Start) || layer.Start >= sceneDuration)
            {
                Fail($"{at}.start", $"From 0 to before the scene's end ({Seconds(sceneDuration)} s).");
            }
            else if (end <= layer.Start || end > sceneDuration || double.IsNaN(end))
            {
                Fail($"{at}.end", $"After the start and at most the scene's duration ({Seconds(sceneDuration)} s).");
            }
            else
            {
                var moving = Motion($"{at}.in", layer.In) + Motion($"{at}.out", layer.Out);
                if (moving > end - layer.Start + 1e-9)
                {
                    Fail($"{at}.in", "The layer's coming in and going out take longer than it is shown.");
                }
            }

            if (layer.Opacity is < 0 or > 1 || double.IsNaN(layer.Opacity))
            {
                Fail($"{at}.opacity", "From 0 to 1.");
            }

            if (layer.Colour is { } colour)
            {
                Colour($"{at}.colour", colour);
            }

            switch (layer.Type)
            {
                case "text":
                    Text(at, layer);
                    break;
                case "image":
                    if ((layer.Image is null) == (layer.Field is null))
                    {
                        Fail($"{at}.image", "Give an image asset, or the field of the record that holds its URL.");
                    }
                    else if (layer.Field is { } field && !FieldPattern().IsMatch(field))
                    {
                        Fail($"{at}.field", "A field name of the record (letters, digits, _ . -).");
                    }

                    if (layer.Fit is { } fit && !Fits.Contains(fit))
                    {
                        Fail($"{at}.fit", "One of: contain, cover.");
                    }

                    break;
                default:
                    if (!Shapes.Contains(layer.Shape ?? "rectangle"))
                    {
                        Fail($"{at}.shape", "One of: rectangle, ellipse.");
                    }

                    if (layer.Radius < 0 || layer.Radius > Math.Min(layer.Width, layer.Height) / 2
                        || double.IsNaN(layer.Radius))
                    {
                        Fail($"{at}.radius", "From 0 to half the shorter side.");
                    }

                    break;
            }
        }

        private void Text(string at, VideoLayer layer)
        {
            if (string.IsNullOrWhiteSpace(layer.Text))
            {
                Fail($"{at}.text", "A text layer needs text.");
            }
            else if (layer.Text.Length > MaxTextChars)
            {
                Fail($"{at}.text", $"At most {MaxTextChars} characters.");
            }
            else
            {
                Template($"{at}.text", layer.Text);
            }

            if (layer.Font is { } font && !VideoFonts.Has(font))
            {
                Fail($"{at}.font", $"One of: {string.Join(", ", VideoFonts.Families)}.");
            }

            if (layer.Size is { } size && (size is < 6 or > 400 || double.IsNaN(size)))
            {
                Fail($"{at}.size", "From 6 to 400 pixels.");
            }

            if (layer.Align is { } align && !Aligns.Contains(align))
            {
                Fail($"{at}.align", "One of: left, center, right.");
            }
        }

        private double Motion(string at, VideoMotion? motion)
        {
            if (motion is null)
            {
                return 0;
            }

            if (!Effects.Contains(motion.Effect))
            {
                Fail($"{at}.effect", $"One of: {string.Join(", ", Effects)}.");
            }

            if (motion.Duration is < 0.04 or > 10 || double.IsNaN(motion.Duration))
            {
                Fail($"{at}.duration", "From 0.04 to 10 seconds.");
                return 0;
            }

            return motion.Duration;
        }

        private void Cta(string at, VideoCta? cta, double total)
        {
            if (cta is null)
            {
                Fail(at, "A button is an object.");
                return;
            }

            if (string.IsNullOrWhiteSpace(cta.Label) || cta.Label.Length > 200)
            {
                Fail($"{at}.label", "A label of 1 to 200 characters.");
            }
            else
            {
                Template($"{at}.label", cta.Label);
            }

            if (string.IsNullOrWhiteSpace(cta.Url) || cta.Url.Length > 2000)
            {
                Fail($"{at}.url", "A URL template of 1 to 2000 characters.");
            }
            else
            {
                Template($"{at}.url", cta.Url);
            }

            if (cta.Start < 0 || cta.Start >= total || double.IsNaN(cta.Start))
            {
                Fail($"{at}.start", $"From 0 to before the video's end ({Seconds(total)} s).");
            }

            Box(at, cta.X, cta.Y, cta.Width, cta.Height);
            foreach (var (field, colour) in new[] { ("colour", cta.Colour), ("textColour", cta.TextColour) })
            {
                if (colour is not null)
                {
                    Colour($"{at}.{field}", colour);
                }
            }
        }

        private void Box(string at, double x, double y, double width, double height)
        {
            if (width < 1 || height < 1 || double.IsNaN(width) || double.IsNaN(height))
            {
                Fail($"{at}.width", "A box of at least 1 by 1 pixel.");
            }
            else if (x < 0 || y < 0 || x + width > video.Width || y + height > video.Height
                     || double.IsNaN(x) || double.IsNaN(y))
            {
                Fail($"{at}.x", $"The box ({Seconds(x)}, {Seconds(y)}, {Seconds(width)} by {Seconds(height)}) "
                    + $"is not inside the {video.Width} by {video.Height} frame.");
            }
        }

        private void Audio(string at, VideoAudio audio)
        {
            if (string.IsNullOrWhiteSpace(audio.Asset))
            {
                Fail($"{at}.asset", "An audio asset, by id or name.");
            }

            if (audio.Volume is < 0 or > 2 || double.IsNaN(audio.Volume))
            {
                Fail($"{at}.volume", "From 0 to 2.");
            }
        }

        private void Colour(string at, string colour)
        {
            if (!ColourPattern().IsMatch(colour))
            {
                Fail(at, "A colour as #rrggbb or #rrggbbaa.");
            }
        }

        private void Template(string at, string source)
        {
            if (checkTemplate(source) is { } problem)
            {
                Fail(at, $"Line {problem.Line}, column {problem.Column}: {problem.Message}");
            }
        }

        private void Fail(string at, string message) => errors.TryAdd(at, [message]);
    }

    private static string Seconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
