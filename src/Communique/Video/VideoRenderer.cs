using System.Globalization;
using Communique.Assets.Storage;
using FFMpegCore;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Communique.Video;

// Renders a plan to an MP4 with one ffmpeg run: the background made by a filter graph (a colour source, a still image
// scaled to cover and zoomed frame by frame, a clip looped and cut), the scenes joined, their sounds mixed over a
// silent track of the exact length; for a record, the layers drawn by VideoFrames into raw RGBA frames written to
// ffmpeg's stdin (as yuva420p) and laid over the background. A frame whose layers look as in the frame before is not
// drawn or converted again.
// H.264 (yuv420p) and AAC with the index at the front (fast start), so a browser plays it before it has it all.
// Renders wait for one of MaxConcurrentRenders slots without holding a thread.
public sealed class VideoRenderer(IBlobStore blobs, VideoImages images, IOptions<VideoOptions> options) : IDisposable
{
    public const int AudioRate = 48_000;

    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentRenders);

    // Milliseconds: the render's own time, after its wait for a slot.
    public sealed record Rendered(string VideoPath, string PosterPath, double Seconds, int Milliseconds);

    // Asset files by id, as the render needs them: their blobs' hashes.
    public async Task<Rendered> RenderAsync(
        VideoPlan plan, bool drawLayers, IReadOnlyDictionary<Guid, string> assets, string folder,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(assets);
        await _slots.WaitAsync(cancellationToken);
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var output = Path.Combine(folder, "video.mp4");
            var layerImages = drawLayers ? await LayerImagesAsync(plan, assets, cancellationToken) : [];
            try
            {
                var arguments = await ArgumentsAsync(plan, drawLayers, assets, folder, output, cancellationToken);
                using var run = FfmpegRun.Start(options.Value.Ffmpeg, arguments, folder);
                if (drawLayers)
                {
                    await WriteFramesAsync(run, plan, layerImages, cancellationToken);
                }

                await run.WaitAsync(Timeout, cancellationToken);
            }
            finally
            {
                foreach (var image in layerImages.Values)
                {
                    image.Dispose();
                }
            }

            var poster = Path.Combine(folder, "poster.jpg");
            var frame = await FrameAsync(output, VideoFrames.PosterTime(plan), plan.Width, plan.Height, folder,
                cancellationToken);
            await File.WriteAllBytesAsync(poster, Poster(frame, plan.Width, plan.Height), cancellationToken);
            var seconds = Math.Round(plan.Scenes.Sum(s => Frames(plan, s.Start + s.Duration) - Frames(plan, s.Start))
                / (double)plan.FrameRate, 3);
            return new Rendered(output, poster, seconds, (int)clock.ElapsedMilliseconds);
        }
        finally
        {
            _slots.Release();
        }
    }

    // A record's poster drawn without its video: the background at the poster's time (a colour or an image drawn
    // here, a clip's frame taken by ffmpeg), the layers over it, and the play button.
    public async Task<byte[]> PosterAsync(
        VideoPlan plan, IReadOnlyDictionary<Guid, string> assets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(assets);
        var t = VideoFrames.PosterTime(plan);
        var scene = plan.Scenes.LastOrDefault(s => s.Start <= t) ?? plan.Scenes[0];
        var folder = Directory.CreateTempSubdirectory("communique-poster-");
        var layerImages = await LayerImagesAsync(plan, assets, cancellationToken);
        try
        {
            using var bitmap = new SKBitmap(new SKImageInfo(plan.Width, plan.Height, SKColorType.Rgba8888,
                SKAlphaType.Premul));
            using var canvas = new SKCanvas(bitmap);
            canvas.Clear(SKColors.Black);
            if (scene.Video is { } clip && assets.TryGetValue(clip, out var clipHash))
            {
                var path = await CopyAsync(clipHash, Path.Combine(folder.FullName, "clip"), cancellationToken);
                var frame = await FrameAsync(path, t - scene.Start, plan.Width, plan.Height, folder.FullName,
                    cancellationToken, cover: true);
                using var still = SKImage.FromPixelCopy(bitmap.Info, frame);
                canvas.DrawImage(still, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
            }
            else if (scene.Image is { } id && await ImageAsync(assets, id, cancellationToken) is { } image)
            {
                using (image)
                {
                    var zoom = 1 + (scene.Zoom - 1) * Math.Clamp((t - scene.Start) / scene.Duration, 0, 1);
                    var scale = Math.Max((double)plan.Width / image.Width, (double)plan.Height / image.Height) * zoom;
                    var (w, h) = ((float)(image.Width * scale), (float)(image.Height * scale));
                    canvas.DrawImage(image, SKRect.Create((plan.Width - w) / 2, (plan.Height - h) / 2, w, h),
                        new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
                }
            }
            else
            {
                canvas.Clear(Opaque(scene.Colour));
            }

            VideoFrames.Draw(canvas, plan, t, layerImages);
            VideoFrames.PlayButton(canvas, plan.Width, plan.Height);
            return Jpeg(bitmap);
        }
        finally
        {
            foreach (var image in layerImages.Values)
            {
                image.Dispose();
            }

            folder.Delete(recursive: true);
        }
    }

    public void Dispose() => _slots.Dispose();

    private TimeSpan Timeout => TimeSpan.FromSeconds(options.Value.RenderTimeoutSeconds);

    // The frame index a time falls on: scenes start on whole frames, so their frames add up to the video's.
    private static int Frames(VideoPlan plan, double seconds) => (int)Math.Round(seconds * plan.FrameRate);

    private async Task<List<string>> ArgumentsAsync(
        VideoPlan plan, bool drawLayers, IReadOnlyDictionary<Guid, string> assets, string folder, string output,
        CancellationToken cancellationToken)
    {
        var (w, h, fps) = (plan.Width, plan.Height, plan.FrameRate);
        var arguments = new List<string> { "-hide_banner", "-nostats", "-v", "error", "-y" };
        var graph = new List<string>();
        var inputs = 0;
        if (drawLayers)
        {
            arguments.AddRange(["-f", "rawvideo", "-pix_fmt", "yuva420p", "-s", $"{w}x{h}", "-framerate", Num(fps),
                "-i", "pipe:0"]);
            inputs++;
        }
        else
        {
            arguments.Add("-nostdin");
        }

        var copied = new Dictionary<Guid, string>();
        async Task<int> InputAsync(Guid asset, params string[] before)
        {
            if (!assets.TryGetValue(asset, out var hash))
            {
                throw new VideoRenderException($"The asset {asset} no longer exists.");
            }

            if (!copied.TryGetValue(asset, out var path))
            {
                path = await CopyAsync(hash, Path.Combine(folder, $"asset-{asset:N}"), cancellationToken);
                copied[asset] = path;
            }

            arguments.AddRange(before);
            arguments.AddRange(["-i", path]);
            return inputs++;
        }

        var audio = new List<string> { $"anullsrc=r={AudioRate}:cl=stereo,atrim=duration={Num(plan.Duration)}" };
        for (var s = 0; s < plan.Scenes.Count; s++)
        {
            var scene = plan.Scenes[s];
            var frames = Frames(plan, scene.Start + scene.Duration) - Frames(plan, scene.Start);
            var cover = $"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},setsar=1";
            if (scene.Video is { } clip)
            {
                var input = await InputAsync(clip, "-stream_loop", "-1");
                graph.Add($"[{input}:v]fps={fps},{cover},format=yuv420p,trim=end_frame={frames},"
                    + $"setpts=PTS-STARTPTS[s{s}]");
                if (scene.Sound && await HasSoundAsync(copied[clip], cancellationToken))
                {
                    audio.Add($"[{input}:a]atrim=duration={Num(scene.Duration)},asetpts=PTS-STARTPTS,"
                        + $"adelay={Num(scene.Start * 1000)}:all=1");
                }
            }
            else if (scene.Image is { } image)
            {
                var input = await InputAsync(image);
                var zoom = scene.Zoom == 1 ? "" : $",scale=w='trunc({w}*(1+{Num(scene.Zoom - 1)}*n/{frames})/2)*2'"
                    + $":h=-2:eval=frame,crop={w}:{h}";
                graph.Add($"[{input}:v]trim=end_frame=1,{cover},format=yuv420p,loop=loop={frames - 1}:size=1:start=0,"
                    + $"setpts=N/({fps}*TB){zoom}[s{s}]");
            }
            else
            {
                var colour = Opaque(scene.Colour);
                graph.Add($"color=c=0x{colour.Red:x2}{colour.Green:x2}{colour.Blue:x2}:s={w}x{h}:r={fps},"
                    + $"trim=end_frame={frames},format=yuv420p,setsar=1[s{s}]");
            }

            if (scene.Audio is { } sound)
            {
                var input = await InputAsync(sound);
                audio.Add($"[{input}:a]atrim=duration={Num(scene.Duration)},asetpts=PTS-STARTPTS,"
                    + $"volume={Num(scene.Volume)},adelay={Num(scene.Start * 1000)}:all=1");
            }
        }

        if (plan.Audio is { } track)
        {
            var input = await InputAsync(track);
            audio.Add($"[{input}:a]atrim=duration={Num(plan.Duration)},asetpts=PTS-STARTPTS,volume={Num(plan.Volume)}");
        }

        var scenes = string.Concat(Enumerable.Range(0, plan.Scenes.Count).Select(s => $"[s{s}]"));
        var joined = plan.Scenes.Count == 1 ? "[s0]null" : $"{scenes}concat=n={plan.Scenes.Count}:v=1:a=0";
        graph.Add(drawLayers
            ? $"{joined}[bg];[bg][0:v]overlay=0:0:format=yuv420:eof_action=pass,format=yuv420p[v]"
            : $"{joined},format=yuv420p[v]");
        for (var a = 0; a < audio.Count; a++)
        {
            graph.Add($"{audio[a]},aformat=sample_rates={AudioRate}:channel_layouts=stereo[a{a}]");
        }

        graph.Add(string.Concat(Enumerable.Range(0, audio.Count).Select(a => $"[a{a}]"))
            + $"amix=inputs={audio.Count}:duration=first:normalize=0[a]");
        var total = Frames(plan, plan.Duration);
        arguments.AddRange([
            "-filter_complex", string.Join(";", graph), "-map", "[v]", "-map", "[a]",
            "-c:v", "libx264", "-preset", options.Value.Preset, "-crf", "23", "-pix_fmt", "yuv420p",
            "-r", Num(fps), "-g", Num(fps * 2), "-frames:v", Num(total),
            "-c:a", "aac", "-b:a", "128k", "-ar", Num(AudioRate), "-ac", "2",
            "-t", Num(total / (double)fps), "-movflags", "+faststart", output,
        ]);
        return arguments;
    }

    // Layers' frames into ffmpeg's stdin, one per frame of the video; a frame like the last is sent again undrawn.
    private static async Task WriteFramesAsync(
        FfmpegRun run, VideoPlan plan, IReadOnlyDictionary<int, SKImage> layerImages,
        CancellationToken cancellationToken)
    {
        var info = new SKImageInfo(plan.Width, plan.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        using var canvas = new SKCanvas(bitmap);
        var buffer = new byte[plan.Width * plan.Height * 5 / 2];
        string? last = null;
        var total = Frames(plan, plan.Duration);
        try
        {
            for (var i = 0; i < total; i++)
            {
                var t = i / (double)plan.FrameRate;
                var look = Look(plan, t);
                if (look != last)
                {
                    canvas.Clear(SKColors.Transparent);
                    VideoFrames.Draw(canvas, plan, t, layerImages);
                    ToYuva420(bitmap.GetPixelSpan(), plan.Width, plan.Height, buffer);
                    last = look;
                }

                await run.Input.WriteAsync(buffer, cancellationToken);
            }
        }
        catch (IOException)
        {
            // ffmpeg stopped reading: it failed, and its reason comes from WaitAsync.
        }

        run.EndInput();
    }

    // Premultiplied RGBA to the planes of yuva420p in BT.601 limited range, as ffmpeg converts the colour backgrounds.
    // Done here, once per frame that changed, rather than by ffmpeg for every frame: most frames repeat the last.
    // Luma is of each pixel's straight colour; chroma of each 2x2 block's visible colour (its premultiplied sums over
    // its summed alpha), so that the edges of text do not fade towards transparent black.
    internal static void ToYuva420(ReadOnlySpan<byte> rgba, int width, int height, Span<byte> yuva)
    {
        var size = width * height;
        var quarter = size / 4;
        var luma = yuva[..size];
        var blue = yuva.Slice(size, quarter);
        var red = yuva.Slice(size + quarter, quarter);
        var alpha = yuva.Slice(size + 2 * quarter, size);
        for (var row = 0; row < height; row += 2)
        {
            for (var column = 0; column < width; column += 2)
            {
                var (sr, sg, sb, sa) = (0, 0, 0, 0);
                for (var dy = 0; dy < 2; dy++)
                {
                    for (var dx = 0; dx < 2; dx++)
                    {
                        var pixel = (row + dy) * width + column + dx;
                        var i = pixel * 4;
                        int r = rgba[i], g = rgba[i + 1], b = rgba[i + 2], a = rgba[i + 3];
                        (sr, sg, sb, sa) = (sr + r, sg + g, sb + b, sa + a);
                        alpha[pixel] = (byte)a;
                        if (a is > 0 and < 255)
                        {
                            (r, g, b) = (Math.Min(255, r * 255 / a), Math.Min(255, g * 255 / a),
                                Math.Min(255, b * 255 / a));
                        }

                        luma[pixel] = a == 0 ? (byte)16 : (byte)(((66 * r + 129 * g + 25 * b + 128) >> 8) + 16);
                    }
                }

                var c = row / 2 * (width / 2) + column / 2;
                if (sa == 0)
                {
                    (blue[c], red[c]) = (128, 128);
                    continue;
                }

                var (cr, cg, cb) = (Math.Min(255, sr * 255 / sa), Math.Min(255, sg * 255 / sa),
                    Math.Min(255, sb * 255 / sa));
                blue[c] = (byte)(((-38 * cr - 74 * cg + 112 * cb + 128) >> 8) + 128);
                red[c] = (byte)(((112 * cr - 94 * cg - 18 * cb + 128) >> 8) + 128);
            }
        }
    }

    // What decides how a frame looks: each shown layer's alpha and offset, and the buttons shown.
    private static string Look(VideoPlan plan, double t)
    {
        var look = new System.Text.StringBuilder();
        for (var i = 0; i < plan.Layers.Count; i++)
        {
            if (VideoFrames.State(plan, plan.Layers[i], t) is { } s)
            {
                look.Append(CultureInfo.InvariantCulture,
                    $"{i}:{Math.Round(s.Alpha * 255)}:{Math.Round(s.Dx, 2)}:{Math.Round(s.Dy, 2)};");
            }
        }

        look.Append(plan.Ctas.Count(c => t >= c.Start));
        return look.ToString();
    }

    private async Task<Dictionary<int, SKImage>> LayerImagesAsync(
        VideoPlan plan, IReadOnlyDictionary<Guid, string> assets, CancellationToken cancellationToken)
    {
        var found = new Dictionary<int, SKImage>();
        for (var i = 0; i < plan.Layers.Count; i++)
        {
            var layer = plan.Layers[i];
            var image = layer switch
            {
                { Type: "image", Image: { } id } => await ImageAsync(assets, id, cancellationToken),
                { Type: "image", Source: { } url } => await images.ImageAsync(url, cancellationToken),
                _ => null,
            };
            if (image is not null)
            {
                found[i] = image;
            }
        }

        return found;
    }

    private async Task<SKImage?> ImageAsync(
        IReadOnlyDictionary<Guid, string> assets, Guid id, CancellationToken cancellationToken)
    {
        if (!assets.TryGetValue(id, out var hash))
        {
            return null;
        }

        await using var stream = await blobs.OpenReadAsync(hash, cancellationToken);
        if (stream is null)
        {
            return null;
        }

        using var data = SKData.Create(stream);
        return data is null ? null : SKImage.FromEncodedData(data);
    }

    private async Task<string> CopyAsync(string hash, string path, CancellationToken cancellationToken)
    {
        await using var source = await blobs.OpenReadAsync(hash, cancellationToken)
            ?? throw new VideoRenderException("An asset's file is missing from the blob store.");
        await using var target = File.Create(path);
        await source.CopyToAsync(target, cancellationToken);
        return path;
    }

    private static async Task<bool> HasSoundAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var probed = await FFProbe.AnalyseAsync(path, cancellationToken: cancellationToken);
            return probed.AudioStreams.Count > 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not media: ffmpeg says why when it reads the file.
            return false;
        }
    }

    // One frame of a file at a time as RGBA pixels of the frame's size (a clip's scaled to cover it).
    private async Task<byte[]> FrameAsync(
        string path, double t, int width, int height, string folder, CancellationToken cancellationToken,
        bool cover = false)
    {
        var filter = cover
            ? $"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height}"
            : $"scale={width}:{height}";
        foreach (var at in new[] { Math.Max(0, t), 0 })
        {
            using var run = FfmpegRun.Start(options.Value.Ffmpeg, [
                "-hide_banner", "-nostdin", "-v", "error", "-ss", Num(at), "-i", path, "-frames:v", "1",
                "-vf", filter, "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1",
            ], folder, readOutput: true);
            var pixels = await run.WaitAsync(Timeout, cancellationToken);
            if (pixels.Length == width * height * 4)
            {
                return pixels;
            }
        }

        throw new VideoRenderException("ffmpeg: no frame could be read for the poster.");
    }

    private static byte[] Poster(byte[] rgba, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        rgba.AsSpan().CopyTo(bitmap.GetPixelSpan());
        using (var canvas = new SKCanvas(bitmap))
        {
            VideoFrames.PlayButton(canvas, width, height);
        }

        return Jpeg(bitmap);
    }

    private static byte[] Jpeg(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 85);
        return data.ToArray();
    }

    // A background colour with alpha is drawn over black, as nothing lies under a background.
    private static SKColor Opaque(string? hex)
    {
        var c = VideoFrames.Colour(hex ?? "#000000", 1);
        return new SKColor((byte)(c.Red * c.Alpha / 255), (byte)(c.Green * c.Alpha / 255),
            (byte)(c.Blue * c.Alpha / 255));
    }

    private static string Num(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
