using System.Diagnostics;
using System.Globalization;

namespace Communique.Tests.Infrastructure;

// Poppler's and qpdf's readings of a PDF we made: what a person's tools see in it.
public static class PdfReaders
{
    // The text in reading order, laid out as on the page.
    public static Task<string> TextAsync(byte[] pdf) => RunAsync("pdftotext", pdf, "-layout", "{file}", "-");

    // qpdf's structural check: its output, which says "No syntax or stream encoding errors found" when all is well.
    public static Task<string> CheckAsync(byte[] pdf) => RunAsync("qpdf", pdf, "--check", "{file}");

    // Poppler's font list: a line per font with its name, type and whether it is embedded and subset.
    public static Task<string> FontsAsync(byte[] pdf) => RunAsync("pdffonts", pdf, "{file}");

    public static async Task<int> PagesAsync(byte[] pdf)
    {
        var info = await RunAsync("pdfinfo", pdf, "{file}");
        var line = info.Split('\n').Single(l => l.StartsWith("Pages:", StringComparison.Ordinal));
        return int.Parse(line["Pages:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    private static async Task<string> RunAsync(string tool, byte[] pdf, params string[] arguments)
    {
        var file = Path.Combine(Path.GetTempPath(), $"communique-test-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument == "{file}" ? file : argument);
            }

            using var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            var text = await output;
            Assert.True(process.ExitCode == 0, $"{tool} exited with {process.ExitCode}: {await errors}{text}");
            return text;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
