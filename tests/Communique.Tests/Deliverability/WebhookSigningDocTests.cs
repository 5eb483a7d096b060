using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Communique.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Communique.Tests.Deliverability;

// docs/deliverability.md shows providers how to sign a report with openssl and curl. This runs that shell block as
// the page has it — with bash, against the server program on loopback, only the secret and the URL filled in — so
// the page and the server's check cannot drift apart.
public sealed partial class WebhookSigningDocTests : IAsyncLifetime
{
    private const string DocumentedUrl = "https://mail.example.com/public/webhooks/TEAM-ID/reports";

    private readonly string _data = Directory.CreateTempSubdirectory("communique-signing-").FullName;
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
    public async Task The_documented_openssl_and_curl_example_signs_a_report_the_server_accepts()
    {
        var example = DocumentedExample();
        Assert.Contains("SECRET='paste-the-secret-here'", example, StringComparison.Ordinal);
        Assert.Contains($"URL='{DocumentedUrl}'", example, StringComparison.Ordinal);

        var account = (await ServerProcess.CommandAsync(
                _environment, "admin", "create-account", "--name", "Acme Corp", "--admin-email", "admin@acme.example",
                "--format", "env"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Replace("export ", "", StringComparison.Ordinal).Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1].Trim('\'', '"'));
        await using var server = await ServerProcess.StartAsync(_environment, Path.Combine(_data, "server.log"));
        using var api = new HttpClient { BaseAddress = server.Address };
        var token = (await (await api.PostJsonAsync("/authenticate", new
        {
            client_id = account["COMMUNIQUE_CLIENT_ID"], secret = account["COMMUNIQUE_CLIENT_SECRET"],
            customer_id = account["COMMUNIQUE_CUSTOMER_ID"],
        })).JsonAsync()).GetString();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        api.DefaultRequestHeaders.Add("PB-Customer-Id", account["COMMUNIQUE_CUSTOMER_ID"]);
        var made = await (await api.PostAsync("/webhook-secret", null)).JsonAsync(HttpStatusCode.Created);
        var url = new Uri(server.Address, new Uri(made.Str("url")).AbsolutePath).ToString();

        var answer = await BashAsync(example
            .Replace("paste-the-secret-here", made.Str("secret"), StringComparison.Ordinal)
            .Replace(DocumentedUrl, url, StringComparison.Ordinal));
        var applied = JsonDocument.Parse(answer).RootElement;
        Assert.True(applied.TryGetProperty("ignored", out var ignored), answer);
        Assert.Equal(1, ignored.GetInt32());

        // The same block with another key is refused: the answer above depends on the signature.
        var forged = JsonDocument.Parse(await BashAsync(example
            .Replace("paste-the-secret-here", new string('0', 64), StringComparison.Ordinal)
            .Replace(DocumentedUrl, url, StringComparison.Ordinal))).RootElement;
        Assert.Equal(401, forged.GetProperty("status").GetInt32());
    }

    // The first sh block of the section "Signing a report".
    private static string DocumentedExample()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Communique.slnx")))
        {
            root = root.Parent ?? throw new InvalidOperationException("No repository root above " + root.FullName);
        }

        var page = File.ReadAllText(Path.Combine(root.FullName, "docs", "deliverability.md"));
        var section = page[page.IndexOf("### Signing a report", StringComparison.Ordinal)..];
        return ShellBlock().Match(section).Groups[1].Value;
    }

    private async Task<string> BashAsync(string script)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = _data,
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
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await bash.WaitForExitAsync(timeout.Token);
        Assert.True(bash.ExitCode == 0, $"bash exited with {bash.ExitCode}: {await errors}");
        return await output;
    }

    [GeneratedRegex("```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
