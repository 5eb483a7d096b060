using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Communique.Deliverability;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using MailKit;
using MailKit.Security;
using MimeKit;

namespace Communique.Tests.Deliverability;

// The bounce mailbox, read from a real IMAP server on loopback (Dovecot): messages go out with the mailbox as their
// envelope sender and the unsubscribe address as their List-Unsubscribe mailto:, and what comes back into the
// mailbox — DSNs, ARF complaints, unsubscribe emails, and everything else — is handled like the webhook's reports.
public abstract class BounceMailboxTests(Provider provider) : IAsyncLifetime
{
    private const string ReturnPath = "bounces@mail.acme.example";
    private const string UnsubscribeAddress = "unsubscribe@mail.acme.example";

    private SmtpSink _smtp = null!;
    private ImapServer _imap = null!;
    private TestHost _host = null!;
    private HttpClient _admin = null!;
    private ShopCampaign _shop = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _imap = await ImapServer.StartAsync();
        var settings = _smtp.RelaySettings(
            ("Mail:ReturnPath", ReturnPath), ("Mail:UnsubscribeAddress", UnsubscribeAddress));
        foreach (var (key, value) in _imap.MailboxSettings())
        {
            settings[key] = value;
        }

        _host = await TestHost.StartAsync(provider, settings);
        _admin = await (await _host.CreateAccountAsync("Acme Corp")).AdminAsync();
        _shop = await ShopCampaign.CreateAsync(
            _host, _admin, _smtp, "ann@example.org", "bob@example.org", "cy@example.org", "dee@example.org");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        await _imap.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private Task<(string Send, Dictionary<string, MimeMessage> ByRecipient)> SendAsync(int expected) =>
        _shop.SendAsync(expected);

    // What a mail client sends for the List-Unsubscribe mailto: of a message.
    private static MimeMessage UnsubscribeMail(MimeMessage received)
    {
        var header = received.Headers[HeaderId.ListUnsubscribe] ?? "";
        var mailto = Regex.Match(header, "<mailto:([^?>]+)\\?subject=([^>]+)>");
        Assert.True(mailto.Success, header);
        var message = new MimeMessage
        {
            Subject = Uri.UnescapeDataString(mailto.Groups[2].Value), Body = new TextPart("plain") { Text = "" },
        };
        message.From.Add(received.To.Mailboxes.Single());
        message.To.Add(MailboxAddress.Parse(mailto.Groups[1].Value));
        return message;
    }

    private static MimeMessage Plain(string subject)
    {
        var message = new MimeMessage
        {
            Subject = subject, Body = new TextPart("plain") { Text = "I am away until Monday." },
        };
        message.From.Add(new MailboxAddress("", "someone@example.org"));
        message.To.Add(new MailboxAddress("", ReturnPath));
        return message;
    }

    [Fact]
    public async Task Mailbox_reports_and_unsubscribe_emails_are_applied_once_and_removed_and_the_rest_is_left_alone()
    {
        var (send, received) = await SendAsync(4);
        Assert.All(_smtp.EnvelopeSenders.TakeLast(4), sender => Assert.Equal(ReturnPath, sender));
        Assert.Contains(
            $"<mailto:{UnsubscribeAddress}?subject=unsubscribe%20",
            received["dee@example.org"].Headers[HeaderId.ListUnsubscribe], StringComparison.Ordinal);

        var stranger = MimeMessage.Load(new MemoryStream(ReportMessages.Bytes(received["dee@example.org"])));
        stranger.MessageId = $"{Guid.NewGuid():N}@acme.example";
        var dsn = ReportMessages.Dsn(
            received["ann@example.org"], headersOnly: true, ("ann@example.org", "failed", "5.1.1"));
        await _imap.AppendAsync(
            dsn,
            ReportMessages.Arf(received["bob@example.org"], "bob@example.org"),
            UnsubscribeMail(received["cy@example.org"]),
            Plain("Out of office: Hello Dee"),
            ReportMessages.Dsn(stranger, headersOnly: false, ("dee@example.org", "failed", "5.1.1")),
            ReportMessages.Dsn(received["dee@example.org"], headersOnly: false, ("dee@example.org", "failed", "five")),
            Plain("unsubscribe AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));

        var mailbox = _host.Service<BounceMailbox>();
        Assert.Equal(new MailboxPoll(7, 2, 1, 4), await mailbox.PollOnceAsync(CancellationToken.None));

        // Acted on: deleted. Left for a person: kept, seen, not read again.
        var left = await _imap.InboxAsync();
        Assert.Equal(
            ["Out of office: Hello Dee", "Undelivered Mail Returned to Sender", "Undelivered Mail Returned to Sender",
                "unsubscribe AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
            left.Select(m => m.Subject).Order(StringComparer.Ordinal));
        Assert.All(left, m => Assert.True(m.Flags.HasFlag(MessageFlags.Seen)));
        Assert.Equal(new MailboxPoll(0, 0, 0, 0), await mailbox.PollOnceAsync(CancellationToken.None));

        // The list every account shares keeps the DSN's status code, not its text.
        var bounce = await (await _admin.GetAsync("/hard-bounces/ann@example.org")).JsonAsync();
        Assert.Equal(("global", "5.1.1 reported in a delivery status notification to the bounce mailbox"),
            (bounce.Str("scope"), bounce.Str("detail")));
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync("/hard-bounces/dee@example.org")).StatusCode);
        var entries = (await (await _admin.GetAsync("/unsubscribes")).JsonAsync()).GetProperty("items").EnumerateArray()
            .ToDictionary(e => e.Str("address"), e => (
                e.Str("reason"),
                e.GetProperty("category").ValueKind == System.Text.Json.JsonValueKind.Null ? null : e.Str("category")));
        Assert.Equal(new Dictionary<string, (string, string?)>
        {
            ["ann@example.org"] = ("hard-bounce", null), ["bob@example.org"] = ("complaint", null),
            ["cy@example.org"] = ("recipient", "General"),
        }, entries);

        // The same DSN again (a provider retrying): read and removed, counted once.
        await _imap.AppendAsync(dsn);
        Assert.Equal(new MailboxPoll(1, 1, 0, 0), await mailbox.PollOnceAsync(CancellationToken.None));
        var report = await (await _admin.GetAsync($"/reports/sends/{send}")).JsonAsync();
        Assert.Equal(
            (1L, 0L),
            (report.GetProperty("bounces").GetProperty("hard").GetInt64(),
                report.GetProperty("bounces").GetProperty("soft").GetInt64()));
        Assert.Equal(
            (1L, 1L), (report.GetProperty("complaints").GetInt64(), report.GetProperty("unsubscribes").GetInt64()));

        var (_, next) = await SendAsync(1);
        Assert.Equal(["dee@example.org"], next.Keys);
    }

    [Fact]
    public async Task Wrong_credentials_fail_the_poll_and_change_nothing()
    {
        await _imap.AppendAsync(Plain("Out of office"));
        var settings = _imap.MailboxSettings();
        settings["Mail:BounceMailbox:Password"] = "not the password";
        await using var other = await TestHost.StartAsync(provider, settings);
        await Assert.ThrowsAsync<AuthenticationException>(
            () => other.Service<BounceMailbox>().PollOnceAsync(CancellationToken.None));
        Assert.False(Assert.Single(await _imap.InboxAsync()).Flags.HasFlag(MessageFlags.Seen));
    }
}

public sealed class BounceMailboxOnSqlite() : BounceMailboxTests(Provider.Sqlite);

public sealed class BounceMailboxOnPostgres() : BounceMailboxTests(Provider.Postgres);
