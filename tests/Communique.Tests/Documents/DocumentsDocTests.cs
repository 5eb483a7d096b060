using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Communique.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Communique.Tests.Documents;

// docs/documents/README.md starts a newcomer with a shell block: a project, a document communication, and its PDF for
// one record. This runs that block as the page has it — with bash, against the server program on loopback, only the
// server's address and the token filled in — so that the page keeps working.
public sealed partial class DocumentsDocTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("communique-documents-doc-").FullName;
    private Dictionary<string, string> _environment = null!;

    public ValueTask InitializeAsync()
    {
        _environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = _data,
            ["Communique__Role"] = "Api",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task The_first_document_example_makes_the_letter_as_the_page_says()
    {
        var example = DocumentedExample();
        Assert.Contains("API=http://localhost:5000", example, StringComparison.Ordinal);

        var account = (await ServerProcess.CommandAsync(
                _environment, "admin", "create-account", "--name", "Acme Corp", "--admin-email", "admin@acme.example",
                "--format", "env"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Replace("export ", "", StringComparison.Ordinal).Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1].Trim('\'', '"'));
        await using var server = await ServerProcess.StartAsync(_environment, Path.Combine(_data, "server.log"));
        using var api = new HttpClient { BaseAddress = server.Address };
        var token = (await (await api.PostAsJsonAsync("/authenticate", new
        {
            client_id = account["COMMUNIQUE_CLIENT_ID"], secret = account["COMMUNIQUE_CLIENT_SECRET"],
            customer_id = account["COMMUNIQUE_CUSTOMER_ID"],
        })).JsonAsync()).GetString();
        var folder = Directory.CreateTempSubdirectory("communique-first-document-").FullName;
        try
        {
            var script = $"TOKEN='{token}'\nCOMMUNIQUE_CUSTOMER_ID='{account["COMMUNIQUE_CUSTOMER_ID"]}'\n"
                + example.Replace("API=http://localhost:5000",
                    "API=" + server.Address.ToString().TrimEnd('/'), StringComparison.Ordinal);

            var printed = await BashAsync(script, folder);

            Assert.Equal("%PDF-1.7", printed.Trim());
            var text = await PdfReaders.TextAsync(await File.ReadAllBytesAsync(Path.Combine(folder, "welcome.pdf")));
            Assert.Contains("Welcome, Ann Smith", text, StringComparison.Ordinal);
            Assert.Contains("Your customer number is C-1042.", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The first sh block of the section "First document".
    private static string DocumentedExample()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Communique.slnx")))
        {
            root = root.Parent ?? throw new InvalidOperationException("No repository root above " + root.FullName);
        }

        var page = File.ReadAllText(Path.Combine(root.FullName, "docs", "documents", "README.md"));
        var section = page[page.IndexOf("## First document", StringComparison.Ordinal)..];
        return ShellBlock().Match(section).Groups[1].Value;
    }

    private static async Task<string> BashAsync(string script, string folder)
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
    private static partial Regex ShellBlock();
}
