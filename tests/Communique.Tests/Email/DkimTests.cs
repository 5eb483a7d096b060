using System.Net;
using Communique.Email;
using Communique.Email.Dkim;
using Communique.Sending;
using Communique.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using MimeKit.Cryptography;
using MimeKit.Utils;

namespace Communique.Tests.Email;

public abstract class DkimTests(Provider provider) : IAsyncLifetime
{
    private TestHost _host = null!;
    private HttpClient _admin = null!;
    private SmtpSink _smtp = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync(provider);
        _admin = await (await _host.CreateAccountAsync("Acme Corp")).AdminAsync();
        _smtp = await SmtpSink.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private static MimeMessage Message()
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Acme News", "news@acme.example"));
        message.To.Add(new MailboxAddress("Ann", "ann@example.org"));
        message.Subject = "Your November statement — ready";
        message.MessageId = MimeUtils.GenerateMessageId("acme.example");
        message.Headers.Add(HeaderId.ListUnsubscribe,
            "<https://mail.acme.example/u/abc>, <mailto:unsubscribe@acme.example?subject=abc>");
        message.Headers.Add(HeaderId.ListUnsubscribePost, "List-Unsubscribe=One-Click");
        message.Body = new BodyBuilder
        {
            HtmlBody = "<p style=\"color:#333\">Hello Ann, your balance is 1 234,50 €</p>",
            TextBody = "Hello Ann, your balance is 1 234,50 €",
        }
            .ToMessageBody();
        return message;
    }

    private async Task<(DkimKey Key, Dictionary<string, string> Dns)> CreateKeyAsync(string algorithm)
    {
        var created = await (await _admin.PostJsonAsync("/dkim-keys",
            new { domain = "Acme.Example", selector = "s1", algorithm }))
            .JsonAsync(HttpStatusCode.Created);
        var record = created.GetProperty("dnsRecord");
        Assert.Equal("s1._domainkey.acme.example", record.Str("name"));
        Assert.Equal("TXT", record.Str("type"));
        Assert.StartsWith($"v=DKIM1; k={algorithm}; p=", record.Str("value"), StringComparison.Ordinal);
        var key = await _host.WithDbAsync(db => db.DkimKeys.IgnoreQueryFilters().SingleAsync());
        return (key, new Dictionary<string, string> { [record.Str("name")] = record.Str("value") });
    }

    [Theory]
    [InlineData("rsa")]
    [InlineData("ed25519")]
    public async Task A_message_signed_with_a_generated_key_arrives_and_verifies_with_the_published_record(
        string algorithm)
    {
        var (key, dns) = await CreateKeyAsync(algorithm);
        var message = Message();
        var wire = _host.Service<DkimSigning>().Sign(message, key);

        await using var smtp = new SmtpTransport(
            [new SmtpRelayOptions { Host = "127.0.0.1", Port = _smtp.Port, Security = SmtpSecurity.None }],
            NullLogger<SmtpTransport>.Instance);
        Assert.Equal(DeliveryOutcome.Accepted,
            (await smtp.SendAsync(wire, HandOverGate.Open, CancellationToken.None)).Outcome);
        var arrived = await _smtp.WaitForAsync(1);

        var signature = arrived.Headers.Single(h => h.Id == HeaderId.DkimSignature);
        Assert.Contains("c=relaxed/relaxed", signature.Value, StringComparison.Ordinal);
        Assert.Contains("d=acme.example", signature.Value, StringComparison.Ordinal);
        Assert.Contains("s=s1", signature.Value, StringComparison.Ordinal);
        Assert.Contains(algorithm == "rsa" ? "a=rsa-sha256" : "a=ed25519-sha256", signature.Value,
            StringComparison.Ordinal);
        foreach (var signed in new[] { "from", "to", "subject", "message-id", "list-unsubscribe",
            "list-unsubscribe-post" })
        {
            Assert.Contains(signed, signature.Value.ToLowerInvariant(), StringComparison.Ordinal);
        }

        var verifier = new DkimVerifier(new PublishedDkimRecords(dns));
        verifier.Enable(DkimSignatureAlgorithm.Ed25519Sha256);
        Assert.True(await verifier.VerifyAsync(arrived, signature));

        arrived.Subject = "Your November statement — changed";
        Assert.False(await verifier.VerifyAsync(arrived, signature));
    }

    [Fact]
    public async Task The_private_key_is_stored_sealed_and_never_returned()
    {
        var created = await (await _admin.PostJsonAsync("/dkim-keys", new { domain = "acme.example" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("rsa", created.Str("algorithm"));
        Assert.Matches("^cq[0-9]{6}$", created.Str("selector"));
        Assert.False(created.TryGetProperty("privateKey", out _));
        Assert.False(created.TryGetProperty("sealedPrivateKey", out _));

        var key = await _host.WithDbAsync(db => db.DkimKeys.IgnoreQueryFilters().SingleAsync());
        Assert.Throws<System.Security.Cryptography.CryptographicException>(() =>
        {
            using var rsa = System.Security.Cryptography.RSA.Create();
            rsa.ImportPkcs8PrivateKey(key.SealedPrivateKey, out _);
        });
        var listed = await (await _admin.GetAsync("/dkim-keys")).JsonAsync();
        Assert.Equal(created.GetProperty("dnsRecord").Str("value"), listed.GetProperty("items")[0]
            .GetProperty("dnsRecord").Str("value"));
    }

    [Theory]
    [InlineData("""{"domain":"not a domain"}""", "domain")]
    [InlineData("""{"domain":"localhost"}""", "domain")]
    [InlineData("""{"domain":"acme.example","selector":"Bad_Selector"}""", "selector")]
    [InlineData("""{"domain":"acme.example","algorithm":"dsa"}""", "algorithm")]
    public async Task Bad_requests_name_the_field(string body, string field)
    {
        var response = await _admin.PostAsync("/dkim-keys",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task The_same_selector_twice_is_a_conflict_and_another_team_sees_no_keys()
    {
        var id = (await (await _admin.PostJsonAsync("/dkim-keys",
            new { domain = "acme.example", selector = "s1", algorithm = "ed25519" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await _admin.PostJsonAsync("/dkim-keys", new { domain = "ACME.example", selector = "s1" }))
            .ProblemAsync(HttpStatusCode.Conflict);

        using var other = await (await _host.CreateAccountAsync("Globex")).AdminAsync();
        await (await other.GetAsync($"/dkim-keys/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.DeleteAsync($"/dkim-keys/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await (await other.GetAsync("/dkim-keys")).JsonAsync()).GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/dkim-keys/{id}")).StatusCode);
    }
}

public sealed class DkimOnSqlite() : DkimTests(Provider.Sqlite);

public sealed class DkimOnPostgres() : DkimTests(Provider.Postgres);
