using System.Text.RegularExpressions;
using FFMpegCore;
using FFMpegCore.Exceptions;

namespace Communique.Assets.Storage;

// Reads a media file's streams and duration with ffprobe, through FFMpegCore, which starts the program itself with an
// argument string and no shell. The file is read with the demuxer the sniffer recognised and through the file protocol
// only, so a file cannot make ffprobe open a URL or another local file. A probe that runs past TimeLimit, or whose
// caller gives up, is cancelled, which kills the process.
// The path must be one the caller made (a temporary file of its own): FFMpegCore quotes it into the argument string,
// and ffprobe's messages name it, which the refusal leaves out.
public sealed partial class MediaProbe(TimeProvider clock)
{
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(10);

    // Either what was found, or why ffprobe could not read the file (a sentence fragment for the uploader).
    public async Task<(ProbedMedia? Media, string? Refusal)> ProbeAsync(
        string path, ContentFormat format, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.Contains('"', StringComparison.Ordinal))
        {
            throw new ArgumentException("The path would end FFMpegCore's quoting of it.", nameof(path));
        }

        var demuxer = Demuxer(format);
        using var limit = new CancellationTokenSource(TimeLimit, clock);
        using var probing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            var analysis = await FFProbe.AnalyseAsync(
                path, new FFOptions(), $"-protocol_whitelist file -f {demuxer}", probing.Token);
            return (From(analysis), null);
        }
        catch (Exception e) when (e is OperationCanceledException or FFProbeProcessException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (limit.IsCancellationRequested)
            {
                return (null, $"ffprobe did not finish reading it within {TimeLimit.TotalSeconds:0} s");
            }

            if (e is FFProbeProcessException process)
            {
                return (null, $"ffprobe could not read it: {Reason(process, path)}");
            }

            throw;
        }
    }

    private static string Demuxer(ContentFormat format) => format switch
    {
        ContentFormat.IsoMedia => "mov",
        ContentFormat.Matroska => "matroska",
        ContentFormat.Ogg => "ogg",
        ContentFormat.Mp3 => "mp3",
        ContentFormat.Wav => "wav",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not a media format."),
    };

    private static ProbedMedia From(IMediaAnalysis analysis)
    {
        var video = analysis.VideoStreams
            .Where(s => s.Disposition?.GetValueOrDefault("attached_pic") is not true).ToList();
        var first = video.FirstOrDefault();
        return new(
            analysis.Duration, first?.Width, first?.Height, first?.AverageFrameRate,
            video.Select(s => s.CodecName ?? "unknown").ToList(),
            analysis.AudioStreams.Select(s => s.CodecName ?? "unknown").ToList());
    }

    // ffprobe's own words, without the path and the "[mov,mp4,... @ 0x55d9...]" prefix of its log lines, e.g.
    // "moov atom not found; Invalid data found when processing input".
    private static string Reason(FFProbeProcessException failure, string path)
    {
        var lines = failure.StandardError
            .Select(line => LogPrefix().Replace(line, ""))
            .Select(line => line.StartsWith(path + ": ", StringComparison.Ordinal) ? line[(path.Length + 2)..] : line)
            .Select(line => new string(line.Replace(path, "the file", StringComparison.Ordinal)
                .Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim())
            .Where(line => line.Length > 0).Distinct().ToList();
        var reason = lines.Count == 0 ? $"it exited with code {failure.ExitCode}" : string.Join("; ", lines);
        return reason.Length <= 300 ? reason : reason[..300] + "…";
    }

    [GeneratedRegex(@"^\[[^\]]* @ 0x[0-9a-fA-F]+\]\s*")]
    private static partial Regex LogPrefix();
}
