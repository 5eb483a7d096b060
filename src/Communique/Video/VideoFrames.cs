using System.Globalization;
using SkiaSharp;

namespace Communique.Video;

// Draws what a plan shows over its background at a time, by the drawing contract the browser player follows too
// (docs/video.md): each layer between its start and end, its alpha scaled by its motion and its opacity, moved by its
// slide; then the buttons. Alpha is applied per drawing operation, as a canvas's globalAlpha is. Images are the
// decoded images of the plan's image layers, by layer index; a layer whose image is missing draws nothing.
public static class VideoFrames
{
    public static void Draw(SKCanvas canvas, VideoPlan plan, double t, IReadOnlyDictionary<int, SKImage> images)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(images);
        for (var i = 0; i < plan.Layers.Count; i++)
        {
            var layer = plan.Layers[i];
            if (State(plan, layer, t) is not { } state)
            {
                continue;
            }

            canvas.Save();
            canvas.Translate((float)state.Dx, (float)state.Dy);
            var alpha = state.Alpha;
            switch (layer.Type)
            {
                case "text":
                    DrawLines(canvas, layer.Lines ?? [], layer.Font!, layer.Size ?? VideoPlanner.DefaultSize,
                        Colour(layer.Colour, alpha));
                    break;
                case "image" when images.TryGetValue(i, out var image):
                    DrawImage(canvas, image, layer, alpha);
                    break;
                case "shape":
                    using (var paint = Fill(Colour(layer.Colour, alpha)))
                    {
                        var box = Box(layer.X, layer.Y, layer.Width, layer.Height);
                        if (layer.Shape == "ellipse")
                        {
                            canvas.DrawOval(box, paint);
                        }
                        else
                        {
                            canvas.DrawRoundRect(box, (float)layer.Radius, (float)layer.Radius, paint);
                        }
                    }

                    break;
            }

            canvas.Restore();
        }

        foreach (var cta in plan.Ctas)
        {
            if (t < cta.Start)
            {
                continue;
            }

            using (var paint = Fill(Colour(cta.Colour, 1)))
            {
                var radius = (float)Math.Min(cta.Height / 2, 12);
                canvas.DrawRoundRect(Box(cta.X, cta.Y, cta.Width, cta.Height), radius, radius, paint);
            }

            DrawLines(canvas, cta.Lines, cta.Font, cta.Size, Colour(cta.TextColour, 1));
        }
    }

    // A layer's alpha and offset at a time, or null when it is not shown then.
    public static (double Alpha, double Dx, double Dy)? State(VideoPlan plan, VideoPlanLayer layer, double t)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(layer);
        if (t < layer.Start || t >= layer.End)
        {
            return null;
        }

        var p = layer.In is { Duration: > 0 } i ? Math.Clamp((t - layer.Start) / i.Duration, 0, 1) : 1;
        var q = layer.Out is { Duration: > 0 } o ? Math.Clamp((layer.End - t) / o.Duration, 0, 1) : 1;
        var (dx, dy) = (0.0, 0.0);
        var across = 0.25 * plan.Width;
        var down = 0.25 * plan.Height;
        switch (layer.In?.Effect)
        {
            case "slide-left": dx += (1 - p) * across; break;
            case "slide-right": dx -= (1 - p) * across; break;
            case "slide-up": dy += (1 - p) * down; break;
            case "slide-down": dy -= (1 - p) * down; break;
        }

        switch (layer.Out?.Effect)
        {
            case "slide-left": dx -= (1 - q) * across; break;
            case "slide-right": dx += (1 - q) * across; break;
            case "slide-up": dy -= (1 - q) * down; break;
            case "slide-down": dy += (1 - q) * down; break;
        }

        return (p * q * layer.Opacity, dx, dy);
    }

    // When a poster shows the video: once the first scene's layers have all come in, or at 1 s when it has none, and
    // always inside the first scene.
    public static double PosterTime(VideoPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var first = plan.Scenes.Count > 0 ? plan.Scenes[0].Duration : plan.Duration;
        var latest = first;
        var arrived = plan.Layers.Where(l => l.Start < first)
            .Select(l => l.Start + (l.In?.Duration ?? 0)).DefaultIfEmpty(-1).Max();
        var t = arrived >= 0 ? arrived : 1;
        var frame = 1.0 / Math.Max(1, plan.FrameRate);
        return Math.Max(0, Math.Min(t, latest - frame));
    }

    // A play button in the middle of the frame: a translucent dark disc and a white triangle.
    public static void PlayButton(SKCanvas canvas, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        var radius = Math.Min(width, height) * 0.12f;
        var (cx, cy) = (width / 2f, height / 2f);
        using var disc = Fill(new SKColor(0, 0, 0, 150));
        canvas.DrawCircle(cx, cy, radius, disc);
        using var path = new SKPathBuilder();
        path.MoveTo(cx - radius * 0.35f, cy - radius * 0.5f);
        path.LineTo(cx + radius * 0.55f, cy);
        path.LineTo(cx - radius * 0.35f, cy + radius * 0.5f);
        path.Close();
        using var triangle = Fill(SKColors.White);
        using var shape = path.Detach();
        canvas.DrawPath(shape, triangle);
    }

    // #rrggbb or #rrggbbaa, its alpha scaled by the layer's.
    public static SKColor Colour(string? hex, double alpha)
    {
        var text = (hex ?? "#ffffff").TrimStart('#');
        var r = byte.Parse(text.AsSpan(0, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var g = byte.Parse(text.AsSpan(2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var b = byte.Parse(text.AsSpan(4, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var a = text.Length >= 8
            ? byte.Parse(text.AsSpan(6, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : 255;
        return new SKColor(r, g, b, (byte)Math.Round(a * Math.Clamp(alpha, 0, 1)));
    }

    private static void DrawLines(
        SKCanvas canvas, IReadOnlyList<VideoPlanLine> lines, string fontKey, double size, SKColor colour)
    {
        using var font = new SKFont(VideoFonts.Typeface(fontKey), (float)size)
        {
            Edging = SKFontEdging.Antialias, Subpixel = true,
        };
        using var paint = Fill(colour);
        foreach (var line in lines)
        {
            canvas.DrawText(line.Text, (float)line.X, (float)line.Y, SKTextAlign.Left, font, paint);
        }
    }

    private static void DrawImage(SKCanvas canvas, SKImage image, VideoPlanLayer layer, double alpha)
    {
        var box = Box(layer.X, layer.Y, layer.Width, layer.Height);
        var scale = layer.Fit == "cover"
            ? Math.Max(box.Width / image.Width, box.Height / image.Height)
            : Math.Min(box.Width / image.Width, box.Height / image.Height);
        var (w, h) = (image.Width * scale, image.Height * scale);
        var target = SKRect.Create(box.MidX - w / 2, box.MidY - h / 2, w, h);
        using var paint = new SKPaint { Color = new SKColor(255, 255, 255, (byte)Math.Round(255 * alpha)) };
        canvas.Save();
        canvas.ClipRect(box, antialias: true);
        canvas.DrawImage(image, target, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), paint);
        canvas.Restore();
    }

    private static SKPaint Fill(SKColor colour) =>
        new() { Color = colour, IsAntialias = true, Style = SKPaintStyle.Fill };

    private static SKRect Box(double x, double y, double width, double height) =>
        SKRect.Create((float)x, (float)y, (float)width, (float)height);
}
