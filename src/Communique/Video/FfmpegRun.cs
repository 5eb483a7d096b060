using System.Diagnostics;
using System.Text;

namespace Communique.Video;

// One run of ffmpeg: arguments as a list (never through a shell), stdin for raw frames when the caller writes them,
// stderr kept (its end) to give the reason of a failure, and the process killed when the time is up or the caller
// stops. Paths of the render's folder are taken out of the reason: it is shown to the team, not the server's layout.
public sealed class FfmpegRun : IDisposable
{
    private const int KeptErrorChars = 4000;

    private readonly Process _process;
    private readonly StringBuilder _errors = new();
    private readonly Task _readingErrors;
    private readonly Task<byte[]>? _readingOutput;
    private readonly string _folder;

    private FfmpegRun(Process process, string folder, bool readOutput)
    {
        _process = process;
        _folder = folder;
        _readingErrors = ReadErrorsAsync();
        _readingOutput = readOutput ? ReadOutputAsync() : null;
    }

    public Stream Input => _process.StandardInput.BaseStream;

    public static FfmpegRun Start(string ffmpeg, IEnumerable<string> arguments, string folder, bool readOutput = false)
    {
        var start = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            var process = Process.Start(start) ?? throw new VideoRenderException("ffmpeg could not be started.");
            return new FfmpegRun(process, folder, readOutput);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Its message names the working directory, a server path.
            throw new VideoRenderException("ffmpeg could not be started; is Video:Ffmpeg a program on this server?");
        }
    }

    // Runs to the end and returns what it wrote to stdout (when asked for), or throws VideoRenderException with
    // ffmpeg's reason.
    public async Task<byte[]> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            cancellationToken.ThrowIfCancellationRequested();
            throw new VideoRenderException(
                $"ffmpeg did not finish within {timeout.TotalSeconds:0} seconds and was stopped.");
        }

        await _readingErrors;
        var output = _readingOutput is null ? [] : await _readingOutput;
        if (_process.ExitCode != 0)
        {
            throw new VideoRenderException(Reason());
        }

        return output;
    }

    // Closes stdin; a write after ffmpeg has stopped reading (it failed) is not an error of ours.
    public void EndInput()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
    }

    public string Reason()
    {
        string text;
        lock (_errors)
        {
            text = _errors.ToString();
        }

        text = text.Replace(_folder + Path.DirectorySeparatorChar, "", StringComparison.Ordinal)
            .Replace(_folder, "", StringComparison.Ordinal).Trim();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var reason = string.Join(" ", lines.TakeLast(4));
        reason = reason.Length == 0 ? $"ffmpeg failed (exit code {_process.ExitCode})." : "ffmpeg: " + reason;
        return reason.Length > 1000 ? reason[..1000] : reason;
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private async Task ReadErrorsAsync()
    {
        var buffer = new char[4096];
        int read;
        while ((read = await _process.StandardError.ReadAsync(buffer)) > 0)
        {
            lock (_errors)
            {
                _errors.Append(buffer, 0, read);
                if (_errors.Length > KeptErrorChars * 2)
                {
                    _errors.Remove(0, _errors.Length - KeptErrorChars);
                }
            }
        }
    }

    private async Task<byte[]> ReadOutputAsync()
    {
        using var output = new MemoryStream();
        await _process.StandardOutput.BaseStream.CopyToAsync(output);
        return output.ToArray();
    }
}
