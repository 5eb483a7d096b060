using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using MimeKit.Cryptography;
using SmtpServer.Protocol;

namespace Communique.Tests.Campaigns;

public abstract class CampaignTests(Provider provider) : IAsyncLifetime
{
    private const string People =
        "email,first_name\nann@example.org,Ann\nbob@example.org,Bob\nnot-an-address,Cy\n,Dee\n";

    private SmtpSink _smtp = null!;
    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;
    private string _campaign = null!;
    private string _communication = null!;
    private string _source = null!;
    private readonly Dictionary<string, string> _dns = [];

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _host = await TestHost.StartAsync(provider, _smtp.RelaySettings());
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();

        var project = (await (await _admin.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        _communication = (await (await _admin.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Offer",
            channel = "email",
            content = new
            {
                subject = "Hello {{ first_name }}",
                html = "<style>p { color: #333 }</style>"
                    + "<p>Hi {{ first_name }}, <a href=\"https://shop.acme.example/offer\">see the offer</a>.</p>"
                    + "<p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>",
            },
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
        _campaign = (await (await _admin.PostJsonAsync("/campaigns", new { projectId = project, name = "November" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");

        using var form = new MultipartFormDataContent { { new StringContent("People"), "name" } };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(People));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "people.csv");
        _source = (await (await _admin.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");

        await VerifySenderAsync("news@acme.example");
        var key = await (await _admin.PostJsonAsync("/dkim-keys", new { domain = "acme.example", selector = "s1" }))
            .JsonAsync(HttpStatusCode.Created);
        _dns[key.GetProperty("dnsRecord").Str("name")] = key.GetProperty("dnsRecord").Str("value");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private Task VerifySenderAsync(string address) => TestSenders.VerifyAsync(_host, _admin, _smtp, address);

    private Task<bool> RunJobAsync() => _host.Service<JobRunner>().RunOneAsync(CancellationToken.None);

    private async Task RunAllJobsAsync()
    {
        for (var i = 0; i < 20 && await RunJobAsync(); i++)
        {
        }
    }

    private Task<HttpResponseMessage> StartAsync(object? overrides = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["communicationId"] = _communication, ["dataSourceId"] = _source, ["addressField"] = "email",
            ["sender"] = "news@acme.example", ["senderName"] = "Acme News", ["replyTo"] = "help@acme.example",
        };
        foreach (var property in JsonSerializer.SerializeToElement(overrides ?? new { }).EnumerateObject())
        {
            body[property.Name] = property.Value;
        }

        return _admin.PostJsonAsync($"/campaigns/{_campaign}/sends", body);
    }

    [Fact]
    public async Task A_bulk_send_delivers_personalised_signed_messages_and_suppresses_bad_addresses()
    {
        var before = _smtp.Received.Count;
        var send = await (await StartAsync()).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("sending", send.Str("state"));

        await RunAllJobsAsync();

        await _smtp.WaitForAsync(before + 2);
        var received = _smtp.Received.Skip(before).OrderBy(m => m.Subject, StringComparer.Ordinal).ToList();
        Assert.Equal(["Hello Ann", "Hello Bob"], received.Select(m => m.Subject));
        var ann = received[0];
        Assert.Equal("ann@example.org", ann.To.Mailboxes.Single().Address);
        Assert.Equal("Acme News", ann.From.Mailboxes.Single().Name);
        Assert.Equal("help@acme.example", ann.ReplyTo.Mailboxes.Single().Address);
        Assert.Contains("style=\"color: #333\"", ann.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("https://mail.acme.example/public/t/c/", ann.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("https://mail.acme.example/public/unsubscribe/", ann.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", ann.Headers[HeaderId.ListUnsubscribePost]);
        var verifier = new DkimVerifier(new PublishedDkimRecords(_dns));
        Assert.True(await verifier.VerifyAsync(ann, ann.Headers.Single(h => h.Id == HeaderId.DkimSignature)));

        var done = await (await _admin.GetAsync($"/campaigns/sends/{send.Str("id")}")).JsonAsync();
        Assert.Equal("completed", done.Str("state"));
        Assert.Equal("People", done.Str("dataSource"));
        var counts = done.GetProperty("counts");
        Assert.Equal(4, counts.GetProperty("recipients").GetInt64());
        Assert.Equal(2, counts.GetProperty("sent").GetInt32());
        Assert.Equal(2, counts.GetProperty("suppressed").GetInt32());

        var suppressed = await (await _admin.GetAsync($"/campaigns/sends/{send.Str("id")}/messages?state=suppressed"))
            .JsonAsync();
        Assert.Equal(["invalid-address", "no-address"], suppressed.GetProperty("items").EnumerateArray()
            .Select(m => m.Str("suppressionReason")).Order());
        var sent = await (await _admin.GetAsync($"/campaigns/sends/{send.Str("id")}/messages?state=sent")).JsonAsync();
        Assert.Contains(sent.GetProperty("items").EnumerateArray(), m => m.Str("messageId") == ann.MessageId);

        var campaign = await (await _admin.GetAsync($"/campaigns/{_campaign}")).JsonAsync();
        Assert.Single(campaign.GetProperty("sends").EnumerateArray());
        await (await _admin.PostAsync($"/campaigns/sends/{send.Str("id")}/resume", null))
            .ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Attachments_go_with_every_message_signed_and_an_unknown_one_refuses_the_send()
    {
        var pdf = Encoding.ASCII.GetBytes(
            "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        using var upload = new MultipartFormDataContent { { new StringContent("attachment"), "kind" } };
        var file = new ByteArrayContent(pdf);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        upload.Add(file, "file", "terms.pdf");
        var asset = (await (await _admin.PostAsync("/assets", upload)).JsonAsync(HttpStatusCode.Created)).Str("id");

        var project = (await (await _admin.PostJsonAsync("/projects", new { name = "Terms" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        async Task<string> CommunicationAsync(string name, string attachment) =>
            (await (await _admin.PostJsonAsync($"/projects/{project}/communications", new
            {
                name,
                channel = "email",
                content = new { subject = "New terms", html = "<p>Hi {{ first_name }}, our terms are attached.</p>",
                    attachments = new[] { attachment } },
            })).JsonAsync(HttpStatusCode.Created)).Str("id");

        var before = _smtp.Received.Count;
        await (await StartAsync(new { communicationId = await CommunicationAsync("Terms", asset) }))
            .JsonAsync(HttpStatusCode.Accepted);
        await RunAllJobsAsync();
        await _smtp.WaitForAsync(before + 2);
        foreach (var message in _smtp.Received.Skip(before))
        {
            var attachment = Assert.Single(message.Attachments.OfType<MimePart>());
            Assert.Equal("terms.pdf", attachment.FileName);
            Assert.Equal("application/pdf", attachment.ContentType.MimeType);
            using var bytes = new MemoryStream();
            await attachment.Content!.DecodeToAsync(bytes);
            Assert.Equal(pdf, bytes.ToArray());
            Assert.StartsWith("Hi ", message.TextBody, StringComparison.Ordinal);
            Assert.True(await new DkimVerifier(new PublishedDkimRecords(_dns))
                .VerifyAsync(message, message.Headers.Single(h => h.Id == HeaderId.DkimSignature)));
        }

        var lost = await CommunicationAsync("Lost", Guid.NewGuid().ToString());
        var refused = await (await StartAsync(new { communicationId = lost })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("not an asset of this team", refused.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deferred_message_is_retried_later_and_a_refused_one_is_a_hard_bounce()
    {
        var before = _smtp.Received.Count;
        _smtp.AnswerNext(1, SmtpReplyCode.Aborted, "4.7.1 greylisted, try again");
        _smtp.AnswerNext(1, SmtpReplyCode.MailboxUnavailable, "5.1.1 user unknown");
        var send = (await (await StartAsync()).JsonAsync(HttpStatusCode.Accepted)).Str("id");

        await RunAllJobsAsync();
        var waiting = await (await _admin.GetAsync($"/campaigns/sends/{send}")).JsonAsync();
        Assert.Equal("sending", waiting.Str("state"));
        Assert.Equal(1, waiting.GetProperty("counts").GetProperty("queued").GetInt32());
        Assert.Equal(1, waiting.GetProperty("counts").GetProperty("failed").GetInt32());
        var failed = (await (await _admin.GetAsync($"/campaigns/sends/{send}/messages?state=failed")).JsonAsync())
            .GetProperty("items")[0];
        Assert.StartsWith("550", failed.Str("lastReply"), StringComparison.Ordinal);
        Assert.Contains("user unknown", failed.Str("lastReply"), StringComparison.Ordinal);

        _host.Clock.Advance(TimeSpan.FromMinutes(2));
        _admin.Dispose();
        _admin = await _acme.AdminAsync();
        await RunAllJobsAsync();

        var done = await (await _admin.GetAsync($"/campaigns/sends/{send}")).JsonAsync();
        Assert.Equal("completed", done.Str("state"));
        Assert.Equal(1, done.GetProperty("counts").GetProperty("sent").GetInt32());
        var retried = (await (await _admin.GetAsync($"/campaigns/sends/{send}/messages?state=sent")).JsonAsync())
            .GetProperty("items")[0];
        Assert.Equal(2, retried.GetProperty("attempts").GetInt32());
        await _smtp.WaitForAsync(before + 1);
        Assert.Equal(before + 1, _smtp.Received.Count);
    }

    [Fact]
    public async Task A_scheduled_send_can_be_paused_resumed_and_cancelled_and_holds_its_communication_until_then()
    {
        var send = await (await StartAsync(new { scheduleAt = _host.Clock.GetUtcNow().UtcDateTime.AddHours(1) }))
            .JsonAsync(HttpStatusCode.Accepted);
        var id = send.Str("id");
        Assert.Equal("scheduled", send.Str("state"));
        Assert.False(await RunJobAsync());

        Assert.Equal("paused", (await (await _admin.PostAsync($"/campaigns/sends/{id}/pause", null)).JsonAsync())
            .Str("state"));
        Assert.Equal("scheduled", (await (await _admin.PostAsync($"/campaigns/sends/{id}/resume", null)).JsonAsync())
            .Str("state"));
        await (await _admin.DeleteAsync($"/communications/{_communication}")).ProblemAsync(HttpStatusCode.Conflict);
        await (await _admin.DeleteAsync($"/data/{_source}")).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal("cancelled", (await (await _admin.PostAsync($"/campaigns/sends/{id}/cancel", null)).JsonAsync())
            .Str("state"));
        await (await _admin.PostAsync($"/campaigns/sends/{id}/resume", null)).ProblemAsync(HttpStatusCode.Conflict);
        _host.Clock.Advance(TimeSpan.FromHours(2));
        _admin.Dispose();
        _admin = await _acme.AdminAsync();
        await RunAllJobsAsync();
        Assert.Equal(0, (await (await _admin.GetAsync($"/campaigns/sends/{id}")).JsonAsync()).GetProperty("counts")
            .GetProperty("sent").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/communications/{_communication}"))
            .StatusCode);
    }

    [Fact]
    public async Task A_sends_job_is_cancelled_only_through_the_send_and_a_live_takeover_credential_sees_none()
    {
        var id = (await (await StartAsync(new { scheduleAt = _host.Clock.GetUtcNow().UtcDateTime.AddHours(1) }))
            .JsonAsync(HttpStatusCode.Accepted)).Str("id");
        var job = Assert.Single((await (await _admin.GetAsync("/jobs?state=queued")).JsonAsync()).GetProperty("items")
            .EnumerateArray(),
            j => j.Str("kind") == "campaign-send").Str("id");

        var live = await (await _admin.PostJsonAsync("/credentials", new { name = "takeover", role = "live-takeover" }))
            .JsonAsync(HttpStatusCode.Created);
        using (var takeover = _host.ClientFor(
            await _host.AuthenticateAsync(live.Str("clientId"), live.Str("secret"), _acme.CustomerId),
            _acme.CustomerId))
        {
            Assert.Equal(0, (await (await takeover.GetAsync("/jobs")).JsonAsync())
                .GetProperty("items").GetArrayLength());
            await (await takeover.GetAsync($"/jobs/{job}")).ProblemAsync(HttpStatusCode.NotFound);
            await (await takeover.PostAsync($"/jobs/{job}/cancel", null)).ProblemAsync(HttpStatusCode.NotFound);
        }

        var refused = await (await _admin.PostAsync($"/jobs/{job}/cancel", null)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("urn:communique:problem:cancelled-through-its-own-endpoint", refused.Str("type"));
        Assert.Equal($"POST /campaigns/sends/{id}/cancel", refused.Str("cancelWith"));
        Assert.Equal("queued", (await (await _admin.GetAsync($"/jobs/{job}")).JsonAsync()).Str("state"));
        Assert.Equal("scheduled", (await (await _admin.GetAsync($"/campaigns/sends/{id}")).JsonAsync()).Str("state"));

        Assert.Equal("cancelled", (await (await _admin.PostAsync($"/campaigns/sends/{id}/cancel", null)).JsonAsync())
            .Str("state"));
        Assert.Equal("cancelled", (await (await _admin.GetAsync($"/jobs/{job}")).JsonAsync()).Str("state"));
        _host.Clock.Advance(TimeSpan.FromHours(2));
        Assert.False(await RunJobAsync());
    }

    [Fact]
    public async Task A_send_whose_job_dies_fails_instead_of_staying_scheduled()
    {
        var id = (await (await StartAsync(new { scheduleAt = _host.Clock.GetUtcNow().UtcDateTime.AddHours(1) }))
            .JsonAsync(HttpStatusCode.Accepted)).Str("id");
        // Its workers died holding it as many times as it may be attempted: the next claim dead-letters it.
        var now = _host.Clock.GetUtcNow().UtcDateTime;
        await _host.WithDbAsync(db => db.Jobs.IgnoreQueryFilters().Where(j => j.Kind == "campaign-send")
            .ExecuteUpdateAsync(u => u
            .SetProperty(j => j.State, JobState.Running).SetProperty(j => j.Attempts, j => j.MaxAttempts)
            .SetProperty(j => j.LeaseToken, "gone").SetProperty(j => j.LeaseExpiresAt, now.AddMinutes(-1))));

        Assert.True(await RunJobAsync());

        var send = await (await _admin.GetAsync($"/campaigns/sends/{id}")).JsonAsync();
        Assert.Equal("failed", send.Str("state"));
        Assert.NotNull(send.GetProperty("endedAt").GetString());
    }

    [Fact]
    public async Task A_send_of_the_wrong_shape_is_a_400_naming_each_field_as_sent()
    {
        var empty = await (await _admin.PostJsonAsync($"/campaigns/{_campaign}/sends", new { }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("urn:communique:problem:validation", empty.Str("type"));
        Assert.Equal(["communicationId", "dataSourceId", "addressField", "sender"],
            empty.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal("The email communication to send.",
            empty.GetProperty("errors").GetProperty("communicationId")[0].GetString());

        var shape = await (await StartAsync(new
        {
            senderName = "News\nBcc: all@example.com", replyTo = "ann@example.com, bob@example.com",
            subject = new string('s', 1001), scheduleAt = _host.Clock.GetUtcNow().UtcDateTime,
        })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["senderName", "replyTo", "subject", "scheduleAt"],
            shape.GetProperty("errors").EnumerateObject().Select(e => e.Name));

        var campaign = await (await _admin.PostJsonAsync("/campaigns", new { name = "December" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("The project the campaign belongs to.",
            campaign.GetProperty("errors").GetProperty("projectId")[0].GetString());
        Assert.False(await RunJobAsync());
    }

    [Fact]
    public async Task Bad_sends_are_refused_with_a_clear_problem()
    {
        var unverified = await (await StartAsync(new { sender = "News@acme.example" }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("urn:communique:problem:sender-not-verified", unverified.Str("type"));
        await (await StartAsync(new { sender = "other@acme.example" })).ProblemAsync(HttpStatusCode.Forbidden);

        var field = await (await StartAsync(new { addressField = "e_mail" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("first_name", field.Str("detail"), StringComparison.Ordinal);
        var past = await (await StartAsync(new { scheduleAt = _host.Clock.GetUtcNow().UtcDateTime.AddMinutes(-1) }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(past.GetProperty("errors").TryGetProperty("scheduleAt", out _));
        await (await StartAsync(new { communicationId = Guid.NewGuid() })).ProblemAsync(HttpStatusCode.NotFound);
        await (await StartAsync(new { dataSourceId = Guid.NewGuid() })).ProblemAsync(HttpStatusCode.NotFound);
        await (await _admin.PostJsonAsync($"/campaigns/{Guid.NewGuid()}/sends", new { }))
            .ProblemAsync(HttpStatusCode.NotFound);
        Assert.False(await RunJobAsync());
    }

    [Fact]
    public async Task Another_teams_campaigns_and_sends_do_not_exist()
    {
        var send = (await (await StartAsync()).JsonAsync(HttpStatusCode.Accepted)).Str("id");
        using var other = await (await _host.CreateAccountAsync("Globex")).AdminAsync();

        await (await other.GetAsync($"/campaigns/{_campaign}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/campaigns/sends/{send}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostAsync($"/campaigns/sends/{send}/cancel", null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/campaigns/sends/{send}/messages")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await (await other.GetAsync("/campaigns")).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_message_suppressed_when_its_turn_comes_is_final_with_no_attempt_and_no_next_attempt()
    {
        await (await _admin.PostJsonAsync("/unsubscribes", new { address = "bob@example.org" }))
            .JsonAsync(HttpStatusCode.Created);
        var send = await (await StartAsync()).JsonAsync(HttpStatusCode.Accepted);
        await RunAllJobsAsync();

        var list = await (await _admin.GetAsync($"/campaigns/sends/{send.Str("id")}/messages")).JsonAsync();
        var messages = list.GetProperty("items").EnumerateArray().ToDictionary(m => m.Str("address"));
        var bob = messages["bob@example.org"];
        Assert.Equal(("suppressed", "unsubscribed"), (bob.Str("state"), bob.Str("suppressionReason")));
        Assert.Equal(0, bob.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, bob.GetProperty("nextAttemptAt").ValueKind);
        var ann = messages["ann@example.org"];
        Assert.Equal(("sent", 1), (ann.Str("state"), ann.GetProperty("attempts").GetInt32()));
        Assert.Equal(JsonValueKind.Null, ann.GetProperty("nextAttemptAt").ValueKind);
    }
}

public sealed class CampaignsOnSqlite() : CampaignTests(Provider.Sqlite);

public sealed class CampaignsOnPostgres() : CampaignTests(Provider.Postgres);
