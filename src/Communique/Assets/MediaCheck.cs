using System.Buffers;
using Communique.Assets.Storage;
using Communique.Data;

namespace Communique.Assets;

// The asset library's rules for video and audio: what the product's video templates can play. ffprobe needs the whole
// file (an MP4's index may be at its end), so the upload is first written to a private temporary file, which the
// caller deletes whatever happens.
public static class MediaCheck
{
    public const int MaxWidth = 3840;
    public const int MaxHeight = 2160;

    private static readonly string[] VideoCodecs = ["h264", "hevc", "vp8", "vp9", "av1", "mpeg4"];
    private static readonly string[] AudioCodecs = ["aac", "mp3", "opus", "vorbis", "flac"];

    public static string NewTempFile(AssetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var folder = options.MediaTempFolder;
        PrivateFiles.CreateFolder(folder);
        return Path.Combine(folder, $"communique-media-{Guid.NewGuid():N}");
    }

    // False when the content is longer than maxBytes; the file then holds only its first bytes.
    public static async Task<bool> WriteAsync(
        Stream content, string path, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var buffer = ArrayPool<byte>.Shared.Rent(81_920);
        try
        {
            await using var file = new FileStream(
                path, PrivateFiles.NewFile(FileMode.CreateNew, options: FileOptions.Asynchronous));
            long length = 0;
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                length += read;
                if (length > maxBytes)
                {
                    return false;
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Why the library refuses what ffprobe found for an upload of this kind, or null to accept it.
    public static string? Refusal(AssetKind kind, ProbedMedia media, int maxSeconds)
    {
        ArgumentNullException.ThrowIfNull(media);
        if (kind == AssetKind.Video && media.VideoCodecs.Count == 0)
        {
            return "it has no video stream";
        }

        if (kind == AssetKind.Audio && media.AudioCodecs.Count == 0)
        {
            return "it has no audio stream";
        }

        if (kind == AssetKind.Audio && media.VideoCodecs.Count > 0)
        {
            return "it has a video stream (upload it as kind video)";
        }

        if (media.VideoCodecs.FirstOrDefault(c => !VideoCodecs.Contains(c)) is { } video)
        {
            return $"its video codec {video} is not one of {string.Join(", ", VideoCodecs)}";
        }

        if (media.AudioCodecs.FirstOrDefault(c => !AudioCodecs.Contains(c)
                && !c.StartsWith("pcm_", StringComparison.Ordinal)) is { } audio)
        {
            return $"its audio codec {audio} is not one of {string.Join(", ", AudioCodecs)}, pcm_*";
        }

        if (media.Duration <= TimeSpan.Zero)
        {
            return "ffprobe found no duration in it";
        }

        if (media.Duration.TotalSeconds > maxSeconds)
        {
            return $"it lasts {Math.Ceiling(media.Duration.TotalSeconds):0} s; at most {maxSeconds} s";
        }

        if (kind == AssetKind.Video)
        {
            if (media.Width is not > 0 || media.Height is not > 0)
            {
                return "its video has no picture size";
            }

            // Portrait counts as much as landscape: the long side within 3840, the short within 2160.
            var (w, h) = (media.Width.Value, media.Height.Value);
            if (Math.Max(w, h) > MaxWidth || Math.Min(w, h) > MaxHeight)
            {
                return $"its picture is {w}x{h}; at most {MaxWidth}x{MaxHeight}";
            }
        }

        return null;
    }
}
