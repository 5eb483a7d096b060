using System.Net;
using System.Text.Json;
using Communique.Tests.Infrastructure;

namespace Communique.Tests.Deliverability;

// docs/deliverability.md shows providers how to sign a report with openssl and curl. This runs that shell block as
// the page has it — with bash, against the server program on loopback, only the secret and the URL filled in — so
// the page and the server's check cannot drift apart.
public sealed class WebhookSigningDocTests : IDisposable
{
    private const string DocumentedUrl = "https://mail.example.com/public/webhooks/TEAM-ID/reports";

    private readonly ServerFolder _folder = new("signing", "Api");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_documented_openssl_and_curl_example_signs_a_report_the_server_accepts()
    {
        var example = DocumentedExample.ShellBlock("### Signing a report", "docs", "deliverability.md");
        Assert.Contains("SECRET='paste-the-secret-here'", example, StringComparison.Ordinal);
        Assert.Contains($"URL='{DocumentedUrl}'", example, StringComparison.Ordinal);

        var account = await ServerProcess.CreateAccountAsync(_folder.Environment);
        await using var server = await ServerProcess.StartAsync(_folder.Environment, _folder.Log);
        using var api = await server.ClientAsync(account);
        var made = await (await api.PostAsync("/webhook-secret", null)).JsonAsync(HttpStatusCode.Created);
        var url = new Uri(server.Address, new Uri(made.Str("url")).AbsolutePath).ToString();

        var answer = await DocumentedExample.BashAsync(example
            .Replace("paste-the-secret-here", made.Str("secret"), StringComparison.Ordinal)
            .Replace(DocumentedUrl, url, StringComparison.Ordinal), _folder.Path);
        var applied = JsonDocument.Parse(answer).RootElement;
        Assert.True(applied.TryGetProperty("ignored", out var ignored), answer);
        Assert.Equal(1, ignored.GetInt32());

        // The same block with another key is refused: the answer above depends on the signature.
        var forged = JsonDocument.Parse(await DocumentedExample.BashAsync(example
            .Replace("paste-the-secret-here", new string('0', 64), StringComparison.Ordinal)
            .Replace(DocumentedUrl, url, StringComparison.Ordinal), _folder.Path)).RootElement;
        Assert.Equal(401, forged.GetProperty("status").GetInt32());
    }
}
