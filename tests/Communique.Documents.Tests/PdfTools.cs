using System.Diagnostics;

namespace Communique.Documents.Tests;

// Runs the PDF tools nobody here wrote (qpdf, poppler's pdftotext/pdffonts/pdfimages/pdftoppm, python3 with
// pikepdf) on a file, with a timeout, and returns what they print.
internal static class PdfTools
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    public static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish in {s_timeout.TotalSeconds} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}{output.Result}");
        }

        return output.Result + error.Result;
    }

    // A python3 script run with the file as sys.argv[1].
    // The system's python3 (where python3-pikepdf is installed), even when another python3 comes first on the path.
    public static string Python(string script, string file) =>
        Run(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3", "-c", script, file);

    public static string Save(byte[] pdf, string name)
    {
        var directory = Path.Combine(Path.GetTempPath(), "communique-pdf-tests");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{name}-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        return path;
    }
}
