using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Communique.Deliverability;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Communique.Tests.Deliverability;

// Bounces and complaints from a provider: real DSN (RFC 3464) and ARF (RFC 5965) messages built with MimeKit in the
// formats of the RFCs, posted to the signed webhook.
public abstract class ProviderReportTests(Provider provider) : IAsyncLifetime
{
    private readonly BodyMeter _bodies = new();
    private SmtpSink _smtp = null!;
    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;
    private ShopCampaign _shop = null!;
    private HttpClient _public = null!;
    private string _secret = null!;
    private string _url = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _host = await TestHost.StartAsync(provider, _smtp.RelaySettings(),
            services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(_bodies));
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
        _public = _host.CreateClient();
        _shop = await ShopCampaign.CreateAsync(
            _host, _admin, _smtp, "ann@example.org", "bob@example.org", "cy@example.org");

        var secret = await (await _admin.PostAsync("/webhook-secret", null)).JsonAsync(HttpStatusCode.Created);
        _secret = secret.Str("secret");
        _url = new Uri(secret.Str("url")).AbsolutePath;
    }

    public async ValueTask DisposeAsync()
    {
        _public.Dispose();
        _admin.Dispose();
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private Task<(string Send, Dictionary<string, MimeMessage> ByRecipient)> SendAsync(int expected) =>
        _shop.SendAsync(expected);

    private Task<HttpResponseMessage> PostAsync(
        byte[] body, string contentType, string? secret = null, long? timestamp = null, bool sign = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (sign)
        {
            var at = (timestamp ?? _host.Clock.GetUtcNow().ToUnixTimeSeconds())
                .ToString(System.Globalization.CultureInfo.InvariantCulture);
            var signed = Encoding.ASCII.GetBytes(at + ".").Concat(body).ToArray();
            request.Headers.Add(ProviderWebhook.TimestampHeader, at);
            request.Headers.Add(ProviderWebhook.SignatureHeader,
                "sha256="
                    + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret ?? _secret), signed)));
        }

        return _public.SendAsync(request);
    }

    private Task<HttpResponseMessage> PostAsync(MimeMessage report) =>
        PostAsync(ReportMessages.Bytes(report), "message/rfc822");

    [Fact]
    public async Task Bounces_and_complaints_from_reports_change_the_lists_once_and_the_next_send_honours_them()
    {
        var secretInfo = await (await _admin.GetAsync("/webhook-secret")).JsonAsync();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, secretInfo.GetProperty("secret").ValueKind);

        var (send, received) = await SendAsync(3);

        // A DSN for two recipients of ann's message: hers failed for good; the other address is not one we sent to.
        var dsn = ReportMessages.Dsn(
            received["ann@example.org"], headersOnly: true, ("ann@example.org", "failed", "5.1.1"),
            ("someone@else.example", "failed", "5.1.1"));
        var first = await (await PostAsync(dsn)).JsonAsync();
        Assert.Equal(
            (1, 0, 1),
            (first.GetProperty("applied").GetInt32(), first.GetProperty("duplicates").GetInt32(),
                first.GetProperty("ignored").GetInt32()));
        var again = await (await PostAsync(dsn)).JsonAsync();
        Assert.Equal((0, 1), (again.GetProperty("applied").GetInt32(), again.GetProperty("duplicates").GetInt32()));
        var bounce = await (await _admin.GetAsync("/hard-bounces/ann@example.org")).JsonAsync();
        Assert.Equal("team", bounce.Str("scope"));
        Assert.Contains("5.1.1", bounce.Str("detail"), StringComparison.Ordinal);

        // Delayed (4.x.x): a soft bounce, counted, not suppressed.
        var soft = await (await PostAsync(
            ReportMessages.Dsn(
                received["bob@example.org"], headersOnly: false, ("bob@example.org", "delayed", "4.4.7")))).JsonAsync();
        Assert.Equal(1, soft.GetProperty("applied").GetInt32());

        // An abuse report: cy is unsubscribed from the team with reason complaint.
        var complaint = await (await PostAsync(ReportMessages.Arf(received["cy@example.org"], "cy@example.org")))
            .JsonAsync();
        Assert.Equal(1, complaint.GetProperty("applied").GetInt32());

        var entries = (await (await _admin.GetAsync("/unsubscribes")).JsonAsync()).GetProperty("items").EnumerateArray()
            .ToDictionary(e => e.Str("address"), e => e.Str("reason"));
        Assert.Equal(
            new Dictionary<string, string> { ["ann@example.org"] = "hard-bounce", ["cy@example.org"] = "complaint" },
            entries);
        var kinds = await _host.WithDbAsync(
            db => db.MessageEvents.IgnoreQueryFilters().Select(e => e.Kind).ToListAsync());
        Assert.Equal([EventKind.SoftBounce, EventKind.HardBounce, EventKind.Complaint], kinds.Order());

        var (next, arrived) = await SendAsync(1);
        Assert.Equal(["bob@example.org"], arrived.Keys);
        var suppressed = (await (await _admin.GetAsync($"/campaigns/sends/{next}/messages?state=suppressed"))
            .JsonAsync()).GetProperty("items")
            .EnumerateArray().ToDictionary(m => m.Str("address"), m => m.Str("suppressionReason"));
        Assert.Equal(
            new Dictionary<string, string> { ["ann@example.org"] = "hard-bounce", ["cy@example.org"] = "unsubscribed" },
            suppressed);
        Assert.NotEqual(send, next);
    }

    [Fact]
    public async Task A_tenants_own_bounce_report_stops_only_its_own_mail_and_shows_no_other_account_its_text()
    {
        // Acme mails ann, then its provider reports a 5.1.1 bounce of that message, with Acme's own words in it.
        var (_, received) = await SendAsync(3);
        var report = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "bounce", messageId = received["ann@example.org"].MessageId, recipient = "ann@example.org",
            status = "5.1.1", detail = "5.1.1 Acme's private note about ann",
        });
        var applied = await (await PostAsync(report, "application/json")).JsonAsync();
        Assert.Equal(1, applied.GetProperty("applied").GetInt32());

        // Another account, which whitelisted ann, still reaches her, and its lookup shows nothing of Acme's report.
        var victim = await _host.CreateAccountAsync("Victim Corp");
        using var victimAdmin = await victim.AdminAsync();
        var victimShop = await ShopCampaign.CreateAsync(_host, victimAdmin, _smtp, "ann@example.org");
        await (await victimAdmin.PostJsonAsync("/whitelisted-emails", new { address = "ann@example.org" }))
            .JsonAsync(HttpStatusCode.Created);
        var (_, reached) = await victimShop.SendAsync(1);
        Assert.Equal(["ann@example.org"], reached.Keys);
        var lookup = await victimAdmin.GetAsync("/hard-bounces/ann@example.org");
        Assert.DoesNotContain("private note", await lookup.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await lookup.ProblemAsync(HttpStatusCode.NotFound);

        // Acme's own next send leaves ann out as a hard bounce, even after Acme whitelists her; Acme sees its own
        // entry.
        await (await _admin.PostJsonAsync("/whitelisted-emails", new { address = "ann@example.org" }))
            .JsonAsync(HttpStatusCode.Created);
        var (next, arrived) = await SendAsync(2);
        Assert.DoesNotContain("ann@example.org", arrived.Keys);
        var messages = await (await _admin.GetAsync($"/campaigns/sends/{next}/messages?state=suppressed"))
            .JsonAsync();
        var suppressed = messages.GetProperty("items").EnumerateArray()
            .ToDictionary(m => m.Str("address"), m => m.Str("suppressionReason"));
        Assert.Equal(new Dictionary<string, string> { ["ann@example.org"] = Suppression.HardBounced }, suppressed);
        var own = await (await _admin.GetAsync("/hard-bounces/ann@example.org")).JsonAsync();
        Assert.Equal(("team", "5.1.1 Acme's private note about ann"), (own.Str("scope"), own.Str("detail")));
        Assert.Equal(0, await _host.WithDbAsync(db => db.HardBounces.CountAsync()));
    }

    [Fact]
    public async Task Unsigned_forged_stale_or_unreadable_reports_change_nothing()
    {
        var (_, received) = await SendAsync(3);
        var dsn = ReportMessages.Bytes(
            ReportMessages.Dsn(received["ann@example.org"], headersOnly: false,
                ("ann@example.org", "failed", "5.1.1")));

        await (await PostAsync(dsn, "message/rfc822", sign: false)).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await PostAsync(dsn, "message/rfc822", secret: "not-the-secret"))
            .ProblemAsync(HttpStatusCode.Unauthorized);
        await (await PostAsync(
            dsn, "message/rfc822", timestamp: _host.Clock.GetUtcNow().AddMinutes(-10).ToUnixTimeSeconds()))
            .ProblemAsync(HttpStatusCode.Unauthorized);
        // Signed for another team: the other team's URL refuses it.
        var other = await _host.CreateAccountAsync("Other Corp");
        using var otherAdmin = await other.AdminAsync();
        var otherUrl = new Uri(
            (await (await otherAdmin.PostAsync("/webhook-secret", null)).JsonAsync(HttpStatusCode.Created))
            .Str("url")).AbsolutePath;
        var stolen = new HttpRequestMessage(HttpMethod.Post, otherUrl) { Content = new ByteArrayContent(dsn) };
        var at = _host.Clock.GetUtcNow().ToUnixTimeSeconds()
            .ToString(System.Globalization.CultureInfo.InvariantCulture);
        stolen.Headers.Add(ProviderWebhook.TimestampHeader, at);
        stolen.Headers.Add(ProviderWebhook.SignatureHeader,
            "sha256="
                + Convert.ToHexStringLower(
                    HMACSHA256.HashData(
                        Encoding.UTF8.GetBytes(_secret), Encoding.ASCII.GetBytes(at + ".").Concat(dsn).ToArray())));
        await (await _public.SendAsync(stolen)).ProblemAsync(HttpStatusCode.Unauthorized);

        // Malformed: not a report; a report with a bad status code; JSON of an unknown type.
        var plain = new MimeMessage { Subject = "hello", Body = new TextPart("plain") { Text = "not a report" } };
        await (await PostAsync(plain)).ProblemAsync(HttpStatusCode.BadRequest);
        var broken = ReportMessages.Dsn(
            received["ann@example.org"], headersOnly: false, ("ann@example.org", "failed", "five"));
        var problem = await (await PostAsync(broken)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'five' is not a status code", problem.Str("detail"), StringComparison.Ordinal);
        await (await PostAsync(Encoding.UTF8.GetBytes("""{"type":"vanished","messageId":"x@y"}"""), "application/json"))
            .ProblemAsync(HttpStatusCode.BadRequest);

        // A report about a message we never sent is ignored.
        var unknown = await (await PostAsync(
            Encoding.UTF8.GetBytes(
                """{"type":"bounce","messageId":"<never@sent.example>","recipient":"ann@example.org"}"""),
            "application/json")).JsonAsync();
        Assert.Equal(1, unknown.GetProperty("ignored").GetInt32());

        await (await _admin.GetAsync("/hard-bounces/ann@example.org")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(
            (await (await _admin.GetAsync("/unsubscribes")).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(0, await _host.WithDbAsync(db => db.MessageEvents.IgnoreQueryFilters().CountAsync()));

        // The JSON form works for a message we did send.
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new { type = "complaint", messageId = received["bob@example.org"].MessageId });
        var json = await (await PostAsync(body, "application/json")).JsonAsync();
        Assert.Equal(1, json.GetProperty("applied").GetInt32());
    }
    [Fact]
    public async Task An_unsigned_chunked_body_past_the_limit_is_refused_without_being_read_to_its_end()
    {
        using var body = new ChunkedBody(28L * 1024 * 1024);
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("message/rfc822");
        // The test server's own client: the factory's client buffers a body whole to replay it on a redirect.
        using var client = _host.Server.CreateClient();
        var problem = await (await client.PostAsync(_url, body)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("urn:communique:problem:payload-too-large", problem.Str("type"));
        Assert.InRange(_bodies.LargestRead, ProviderWebhook.MaxBytes, ProviderWebhook.MaxBytes + 64 * 1024);
    }

    [Fact]
    public async Task The_bounce_rate_guard_warns_at_two_percent_and_suspends_at_four_until_an_operator_lifts_it()
    {
        // A history of 1,000 delivered messages today, 20 of them bounced hard (2.0 % before this send).
        async Task SeedAsync(long hardBounces) => await _host.WithDbAsync(async db =>
        {
            var day = DateOnly.FromDateTime(db.Now);
            var row = await db.TeamDailyStats.IgnoreQueryFilters()
                .FirstOrDefaultAsync(s => s.TeamId == _acme.TeamId && s.Day == day);
            if (row is null)
            {
                db.TeamDailyStats.Add(
                    new TeamDailyStats { TeamId = _acme.TeamId, Day = day, Sent = 1000, HardBounces = hardBounces });
            }
            else
            {
                row.HardBounces = hardBounces;
            }

            return await db.SaveChangesAcrossTeamsAsync(CancellationToken.None);
        });
        await SeedAsync(20);
        Assert.Equal("ok", (await (await _admin.GetAsync("/sending-status")).JsonAsync()).Str("state"));

        // One synchronous 5xx in this send: 21 of 1,002 → warned, and the administrators get an email.
        var before = _smtp.Received.Count;
        _smtp.AnswerNext(1, SmtpServer.Protocol.SmtpReplyCode.MailboxUnavailable, "5.1.1 no such user");
        var (_, received) = await SendAsync(2);
        var status = await (await _admin.GetAsync("/sending-status")).JsonAsync();
        Assert.Equal(
            ("warned", 1002L, 21L),
            (status.Str("state"), status.GetProperty("sent").GetInt64(), status.GetProperty("hardBounces").GetInt64()));
        Assert.Contains(_smtp.Received.Skip(before), m => m.Subject!.StartsWith("Warning for", StringComparison.Ordinal)
                                                         && m.To.Mailboxes.Any(a => a.Address == _acme.AdminEmail));

        // A DSN hard bounce later pushes the rate past 4 %: suspended.
        await SeedAsync(45);
        var bob = received.Values.First();
        var dsn = ReportMessages.Dsn(bob, headersOnly: false, (bob.To.Mailboxes.Single().Address, "failed", "5.1.1"));
        Assert.Equal(1, (await (await PostAsync(dsn)).JsonAsync()).GetProperty("applied").GetInt32());
        Assert.Equal("suspended", (await (await _admin.GetAsync("/sending-status")).JsonAsync()).Str("state"));
        for (var i = 0; i < 5 && await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None); i++)
        {
        }

        Assert.Contains(_smtp.Received, m => m.Subject!.StartsWith("Sending suspended for", StringComparison.Ordinal));

        var refused = await (await _admin.PostJsonAsync($"/campaigns/{_shop.Campaign}/sends", _shop.SendRequest))
            .ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("urn:communique:problem:sending-suspended", refused.Str("type"));
        var transactional = await (await _admin.PostJsonAsync(
            "/campaigns/v2/Receipts/transactional", new Dictionary<string, object?>
        {
            ["communication"] = "Offer", ["project"] = "Shop", ["sender"] = "news@acme.example",
            ["email_json_path"] = "email",
            ["dataset"] = new[] { new { email = "ann@example.org", first_name = "Ann" } },
        })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("urn:communique:problem:sending-suspended", transactional.Str("type"));

        // The operator lifts it; the window starts afresh and the team sends again.
        Assert.True(await _host.WithDbAsync(db => BounceGuard.LiftAsync(db, _acme.TeamId, CancellationToken.None)));
        Assert.Equal("ok", (await (await _admin.GetAsync("/sending-status")).JsonAsync()).Str("state"));
        await (await _admin.PostJsonAsync($"/campaigns/{_shop.Campaign}/sends", _shop.SendRequest))
            .JsonAsync(HttpStatusCode.Accepted);
    }
}

public sealed class ProviderReportsOnSqlite() : ProviderReportTests(Provider.Sqlite);

public sealed class ProviderReportsOnPostgres() : ProviderReportTests(Provider.Postgres);
