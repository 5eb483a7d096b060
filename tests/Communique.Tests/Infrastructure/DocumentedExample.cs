using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Communique.Tests.Infrastructure;

// A shell example of the documentation, run as the page has it: tests read the block from the page and run it with
// bash, so that the page and the product cannot drift apart.
public static partial class DocumentedExample
{
    // The first sh block after the heading, in a page given by its path from the repository root.
    public static string ShellBlock(string heading, params string[] page)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Communique.slnx")))
        {
            root = root.Parent ?? throw new InvalidOperationException("No repository root above " + root.FullName);
        }

        var text = File.ReadAllText(Path.Combine([root.FullName, .. page]));
        var section = text[text.IndexOf(heading, StringComparison.Ordinal)..];
        return Block().Match(section).Groups[1].Value;
    }

    // Runs the script with `bash -euo pipefail` in the folder; what it printed, or a failed assertion with its errors.
    public static async Task<string> BashAsync(string script, string folder)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-euo");
        start.ArgumentList.Add("pipefail");
        using var bash = Process.Start(start)!;
        await bash.StandardInput.WriteAsync(script);
        bash.StandardInput.Close();
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await bash.WaitForExitAsync(timeout.Token);
        Assert.True(bash.ExitCode == 0, $"bash exited with {bash.ExitCode}: {await errors}");
        return await output;
    }

    [GeneratedRegex("```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();
}
