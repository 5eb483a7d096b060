using System.Net;
using System.Text.Json;
using Communique.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Communique.Tests.Deliverability;

// docs/deliverability.md shows providers how to sign a report with openssl and curl. This runs that shell block as
// the page has it — with bash, against the server program on loopback, only the secret and the URL filled in — so
// the page and the server's check cannot drift apart.
public sealed class WebhookSigningDocTests : IAsyncLifetime
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
        var example = DocumentedExample.ShellBlock("### Signing a report", "docs", "deliverability.md");
        Assert.Contains("SECRET='paste-the-secret-here'", example, StringComparison.Ordinal);
        Assert.Contains($"URL='{DocumentedUrl}'", example, StringComparison.Ordinal);

        var account = await ServerProcess.CreateAccountAsync(_environment);
        await using var server = await ServerProcess.StartAsync(_environment, Path.Combine(_data, "server.log"));
        using var api = await server.ClientAsync(account);
        var made = await (await api.PostAsync("/webhook-secret", null)).JsonAsync(HttpStatusCode.Created);
        var url = new Uri(server.Address, new Uri(made.Str("url")).AbsolutePath).ToString();

        var answer = await DocumentedExample.BashAsync(example
            .Replace("paste-the-secret-here", made.Str("secret"), StringComparison.Ordinal)
            .Replace(DocumentedUrl, url, StringComparison.Ordinal), _data);
        var applied = JsonDocument.Parse(answer).RootElement;
        Assert.True(applied.TryGetProperty("ignored", out var ignored), answer);
        Assert.Equal(1, ignored.GetInt32());

        // The same block with another key is refused: the answer above depends on the signature.
        var forged = JsonDocument.Parse(await DocumentedExample.BashAsync(example
            .Replace("paste-the-secret-here", new string('0', 64), StringComparison.Ordinal)
            .Replace(DocumentedUrl, url, StringComparison.Ordinal), _data)).RootElement;
        Assert.Equal(401, forged.GetProperty("status").GetInt32());
    }
}
