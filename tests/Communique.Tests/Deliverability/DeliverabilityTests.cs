using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Communique.Deliverability;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using SmtpServer.Protocol;

namespace Communique.Tests.Deliverability;

public abstract partial class DeliverabilityTests(Provider provider) : IAsyncLifetime
{
    private const string Base = "https://mail.acme.example";

    private SmtpSink _smtp = null!;
    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;
    private HttpClient _public = null!;
    private string _campaign = null!;
    private string _communication = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _host = await TestHost.StartAsync(provider, _smtp.RelaySettings());
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
        _public = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var project = (await (await _admin.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        _communication = (await (await _admin.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Offer",
            channel = "email",
            content = new
            {
                subject = "Hello {{ first_name }}",
                html = "<p>Hi {{ first_name }}, <a href=\"https://shop.acme.example/offer?a=1&amp;b=2\">see the " +
                    "offer</a>.</p>"
                       + "<p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>",
                unsubscribeCategory = "Offers",
            },
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
        _campaign = (await (await _admin.PostJsonAsync("/campaigns", new { projectId = project, name = "November" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        await TestSenders.VerifyAsync(_host, _admin, _smtp, "news@acme.example");
    }

    public async ValueTask DisposeAsync()
    {
        _public.Dispose();
        _admin.Dispose();
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private async Task<string> SourceAsync(string name, params string[] people)
    {
        using var form = new MultipartFormDataContent { { new StringContent(name), "name" } };
        var file = new ByteArrayContent(
            Encoding.UTF8.GetBytes(
                "email,first_name\n" + string.Concat(people.Select(p => $"{p},{p[..p.IndexOf('@')]}\n"))));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "people.csv");
        return (await (await _admin.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");
    }

    // Sends the campaign to the source and runs its jobs; returns the send's id and the messages that arrived.
    private async Task<(string Send, List<MimeMessage> Received)> SendAsync(string source, int expected)
    {
        var before = _smtp.Received.Count;
        var send = (await (await _admin.PostJsonAsync($"/campaigns/{_campaign}/sends", new
        {
            communicationId = _communication, dataSourceId = source, addressField = "email",
            sender = "news@acme.example",
        })).JsonAsync(HttpStatusCode.Accepted)).Str("id");
        for (var i = 0; i < 20 && await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None); i++)
        {
        }

        if (expected > 0)
        {
            await _smtp.WaitForAsync(before + expected);
        }

        return (send, _smtp.Received.Skip(before).ToList());
    }

    private async Task<Dictionary<string, string?>> OutcomesAsync(string send)
    {
        var messages = await (await _admin.GetAsync($"/campaigns/sends/{send}/messages")).JsonAsync();
        return messages.GetProperty("items").EnumerateArray().ToDictionary(
            m => m.Str("address"), string? (m) =>
                m.Str("state") == "suppressed" ? m.Str("suppressionReason") : m.Str("state"));
    }

    private static string PathOf(string url) =>
        url.StartsWith(Base, StringComparison.Ordinal) ? url[Base.Length..] : url;

    [GeneratedRegex("https://mail\\.acme\\.example/public/t/c/[A-Za-z0-9_-]+")]
    private static partial Regex ClickLink();

    [GeneratedRegex("https://mail\\.acme\\.example/public/t/o/[A-Za-z0-9_-]+\\.gif")]
    private static partial Regex OpenPixel();

    [Fact]
    public async Task Suppression_rules_apply_in_order_and_a_refused_address_joins_the_global_hard_bounce_list()
    {
        // A 5xx at delivery puts eve on the global hard-bounce list.
        _smtp.AnswerNext(1, SmtpReplyCode.MailboxUnavailable, "5.1.1 no such user");
        var (first, _) = await SendAsync(await SourceAsync("Eve", "eve@example.org"), 0);
        Assert.Equal("failed", (await OutcomesAsync(first))["eve@example.org"]);
        var bounce = await (await _admin.GetAsync("/hard-bounces/Eve@Example.org")).JsonAsync();
        Assert.Contains("no such user", bounce.Str("detail"), StringComparison.Ordinal);

        await (await _admin.PostJsonAsync("/unsubscribes", new { address = "Bob@example.org" }))
            .JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync("/unsubscribes", new { address = "dee@example.org", category = "Offers" }))
            .JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync(
            "/unsubscribes", new { address = "fay@example.org", category = "Other news" }))
            .JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync("/blacklisted-domains", new { domain = "Blocked.example" }))
            .JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync("/whitelisted-emails", new { address = "dee@example.org" }))
            .JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync("/whitelisted-emails", new { address = "eve@example.org" }))
            .JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync("/whitelisted-emails", new { address = "gus@blocked.example" }))
            .JsonAsync(HttpStatusCode.Created);

        var people = await SourceAsync(
            "People", "ann@example.org", "bob@example.org", "cy@blocked.example", "dee@example.org",
            "eve@example.org", "fay@example.org", "gus@blocked.example");
        var (send, received) = await SendAsync(people, 4);
        var outcomes = await OutcomesAsync(send);
        Assert.Equal("sent", outcomes["ann@example.org"]);
        Assert.Equal(Suppression.Unsubscribed, outcomes["bob@example.org"]);
        Assert.Equal(Suppression.DomainBlacklisted, outcomes["cy@blocked.example"]);
        Assert.Equal("sent", outcomes["dee@example.org"]);
        Assert.Equal(Suppression.HardBounced, outcomes["eve@example.org"]);
        Assert.Equal("sent", outcomes["fay@example.org"]);
        Assert.Equal("sent", outcomes["gus@blocked.example"]);
        Assert.Equal(["ann@example.org", "dee@example.org", "fay@example.org", "gus@blocked.example"],
            received.Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Opens_and_clicks_through_the_received_links_are_recorded_and_forged_tokens_do_nothing()
    {
        var (_, received) = await SendAsync(await SourceAsync("Ann", "ann@example.org"), 1);
        var html = received.Single().HtmlBody!;
        var pixel = PathOf(OpenPixel().Match(html).Value);
        var click = PathOf(ClickLink().Match(html).Value);

        using var iphone = new HttpRequestMessage(HttpMethod.Get, pixel);
        iphone.Headers.UserAgent.ParseAdd(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
            "Mobile/15E148");
        var opened = await _public.SendAsync(iphone);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("image/gif", opened.Content.Headers.ContentType!.MediaType);
        Assert.True(opened.Headers.CacheControl!.NoStore);
        Assert.Equal("GIF89a", Encoding.ASCII.GetString((await opened.Content.ReadAsByteArrayAsync())[..6]));

        using var proxy = new HttpRequestMessage(HttpMethod.Get, pixel);
        proxy.Headers.UserAgent.ParseAdd("Mozilla/5.0");
        Assert.Equal(HttpStatusCode.OK, (await _public.SendAsync(proxy)).StatusCode);

        using var desktop = new HttpRequestMessage(HttpMethod.Get, click);
        desktop.Headers.UserAgent.ParseAdd(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 " +
            "Safari/537.36");
        var clicked = await _public.SendAsync(desktop);
        Assert.Equal(HttpStatusCode.Redirect, clicked.StatusCode);
        Assert.Equal("https://shop.acme.example/offer?a=1&b=2", clicked.Headers.Location!.ToString());

        // Forged or altered tokens, and a token of one kind used as another: 404, nothing recorded.
        var token = click["/public/t/c/".Length..];
        var altered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
        Assert.Equal(HttpStatusCode.NotFound, (await _public.GetAsync("/public/t/c/" + altered)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _public.GetAsync("/public/t/o/" + token + ".gif")).StatusCode);
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await _public.GetAsync("/public/t/c/" + pixel["/public/t/o/".Length..^4])).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _public.GetAsync("/public/t/c/bm90LWEtdG9rZW4")).StatusCode);

        await _host.Service<EventRecorder>().FlushAsync(CancellationToken.None);
        var events = await _host.WithDbAsync(db => db.MessageEvents.IgnoreQueryFilters().ToListAsync());
        Assert.Equal(3, events.Count);
        // The same clock in the test: told apart by what they are, not by when.
        var human = Assert.Single(events, e => e is { Kind: EventKind.Open, Machine: false });
        Assert.Equal(DeviceClass.Mobile, human.Device);
        Assert.Single(events, e => e is { Kind: EventKind.Open, Machine: true });
        var clickEvent = Assert.Single(events, e => e.Kind == EventKind.Click);
        Assert.Equal((DeviceClass.Desktop, false), (clickEvent.Device!.Value, clickEvent.Machine));
        Assert.Equal("https://shop.acme.example/offer?a=1&b=2", clickEvent.Url);
        Assert.All(events, e => Assert.Equal(_acme.TeamId, e.TeamId));

        // Whatever else the request says, a click goes where its signed token says.
        var tampered = await _public.GetAsync(
            "/public/t/c/" + token + "?url=https%3A%2F%2Fevil.example&redirect=https%3A%2F%2Fevil.example");
        Assert.Equal("https://shop.acme.example/offer?a=1&b=2", tampered.Headers.Location!.ToString());
    }

    [Fact]
    public async Task The_one_click_post_unsubscribes_at_once_and_the_next_send_suppresses_the_address()
    {
        var source = await SourceAsync("Two", "ann@example.org", "bob@example.org");
        var (_, received) = await SendAsync(source, 2);
        var ann = received.Single(m => m.To.Mailboxes.Single().Address == "ann@example.org");
        var header = ann.Headers[HeaderId.ListUnsubscribe]!;
        var https = Regex.Match(header, "<(https://[^>]+)>").Groups[1].Value;
        // No Mail:UnsubscribeAddress here: the one-click URL is the only way given.
        Assert.DoesNotContain("mailto:", header, StringComparison.Ordinal);

        // As a mailbox provider sends it (RFC 8058 §3.1): a POST of the form body, no cookies, no page.
        using var oneClick = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]);
        var response = await _public.PostAsync(PathOf(https), oneClick);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        // Twice is still one entry.
        using var again = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]);
        Assert.Equal(HttpStatusCode.OK, (await _public.PostAsync(PathOf(https), again)).StatusCode);

        var list = (await (await _admin.GetAsync("/unsubscribes")).JsonAsync()).GetProperty("items");
        var entry = Assert.Single(list.EnumerateArray());
        Assert.Equal(
            ("ann@example.org", "Offers", "recipient"),
            (entry.Str("address"), entry.Str("category"), entry.Str("reason")));
        Assert.Equal(_communication, entry.Str("lastCommunicationId"));

        var (next, arrived) = await SendAsync(source, 1);
        Assert.Equal(Suppression.Unsubscribed, (await OutcomesAsync(next))["ann@example.org"]);
        Assert.Equal("bob@example.org", arrived.Single().To.Mailboxes.Single().Address);

        // A forged one-click changes nothing.
        using var forged = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]);
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await _public.PostAsync("/public/unsubscribe/AQ" + https[^20..], forged)).StatusCode);
        Assert.Single(
            (await (await _admin.GetAsync("/unsubscribes")).JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_unsubscribe_page_confirms_before_unsubscribing_and_the_json_form_works_for_integrations()
    {
        var (_, received) = await SendAsync(await SourceAsync("Two", "ann@example.org", "bob@example.org"), 2);
        string LinkOf(string address) => PathOf(Regex.Match(
            received.Single(m => m.To.Mailboxes.Single().Address == address).HtmlBody!,
            "https://mail\\.acme\\.example/public/unsubscribe/[A-Za-z0-9_-]+").Value);

        // Opening the link changes nothing: a scanner that follows every link unsubscribes no one.
        var page = await _public.GetAsync(LinkOf("ann@example.org"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"post\">", html, StringComparison.Ordinal);
        Assert.Contains("Offers emails", html, StringComparison.Ordinal);
        Assert.Empty(
            (await (await _admin.GetAsync("/unsubscribes")).JsonAsync()).GetProperty("items").EnumerateArray());

        using var everything = new FormUrlEncodedContent([new("scope", "all")]);
        var confirmed = await _public.PostAsync(LinkOf("ann@example.org"), everything);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Contains(
            "will not receive any more emails from this sender", await confirmed.Content.ReadAsStringAsync(),
            StringComparison.Ordinal);

        var token = LinkOf("bob@example.org")["/public/unsubscribe/".Length..];
        var done = await (await _public.PostAsJsonAsync("/public/unsubscribe", new { token })).JsonAsync();
        Assert.Equal(("bob@example.org", "Offers"), (done.Str("address"), done.Str("category")));
        await (await _public.PostAsJsonAsync("/public/unsubscribe", new { token = token[..^3] + "AAA" }))
            .ProblemAsync(HttpStatusCode.NotFound);
        await (await _public.PostAsJsonAsync("/public/unsubscribe", new { token, scope = "everything" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(
            HttpStatusCode.NotFound, (await _public.GetAsync("/public/unsubscribe/" + token[..^3] + "AAA")).StatusCode);

        var entries = (await (await _admin.GetAsync("/unsubscribes")).JsonAsync()).GetProperty("items").EnumerateArray()
            .ToDictionary(
                e => e.Str("address"),
                e => e.GetProperty("category").ValueKind == JsonValueKind.Null ? null : e.Str("category"));
        Assert.Equal(
            new Dictionary<string, string?> { ["ann@example.org"] = null, ["bob@example.org"] = "Offers" }, entries);
    }

    [Fact]
    public async Task The_suppression_lists_are_managed_through_the_api_and_refuse_bad_input()
    {
        var created = await (await _admin.PostJsonAsync(
            "/unsubscribes", new { address = "Ann@Example.org", category = "Offers" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal(
            ("ann@example.org", "manual", true),
            (created.Str("address"), created.Str("reason"), created.GetProperty("editable").GetBoolean()));
        await (await _admin.PostJsonAsync("/unsubscribes", new { address = "ann@example.org", category = "Offers" }))
            .ProblemAsync(HttpStatusCode.Conflict);
        await (await _admin.PostJsonAsync("/unsubscribes", new { address = "not an address" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostJsonAsync("/unsubscribes", new { address = "ann@example.org", category = " " }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostJsonAsync("/unsubscribes", new { address = "=cmd@example.org" }))
            .JsonAsync(HttpStatusCode.Created);

        var edited = await (await _admin.PutAsJsonAsync(
            $"/unsubscribes/{created.Str("id")}", new { address = "ann@example.org" })).JsonAsync();
        Assert.Equal(JsonValueKind.Null, edited.GetProperty("category").ValueKind);
        var found = (await (await _admin.GetAsync("/unsubscribes?search=ANN")).JsonAsync()).GetProperty("items");
        Assert.Equal(created.Str("id"), Assert.Single(found.EnumerateArray()).Str("id"));
        await (await _admin.GetAsync("/unsubscribes?reason=sometimes")).ProblemAsync(HttpStatusCode.BadRequest);

        var csv = await (await _admin.GetAsync("/unsubscribes/export")).Content.ReadAsStringAsync();
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("address,category,reason,last_communication_id,created_at,updated_at", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("ann@example.org,,manual,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("'=cmd@example.org,", StringComparison.Ordinal));

        // Entries from bounces and complaints are the record of what happened: removable, not editable.
        await _host.WithDbAsync(async db =>
        {
            db.Unsubscribes.Add(new Unsubscribe
            {
                TeamId = _acme.TeamId, Address = "cat@example.org", Reason = UnsubscribeReason.Complaint,
                CreatedAt = db.Now, UpdatedAt = db.Now,
            });
            return await db.SaveChangesAcrossTeamsAsync(CancellationToken.None);
        });
        var complaint = (await (await _admin.GetAsync("/unsubscribes?reason=complaint")).JsonAsync())
            .GetProperty("items")[0];
        Assert.False(complaint.GetProperty("editable").GetBoolean());
        await (await _admin.PutAsJsonAsync(
            $"/unsubscribes/{complaint.Str("id")}", new { address = "cat@example.org", category = "Offers" }))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(
            HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/unsubscribes/{complaint.Str("id")}")).StatusCode);
        await (await _admin.DeleteAsync($"/unsubscribes/{complaint.Str("id")}")).ProblemAsync(HttpStatusCode.NotFound);

        await (await _admin.PostJsonAsync("/blacklisted-domains", new { domain = "https://x.example/" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostJsonAsync("/blacklisted-domains", new { domain = "localhost" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var domain = await (await _admin.PostJsonAsync("/blacklisted-domains", new { domain = "Spam.Example." }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("spam.example", domain.Str("domain"));
        await (await _admin.PostJsonAsync("/blacklisted-domains", new { domain = "spam.example" }))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await _admin.DeleteAsync($"/blacklisted-domains/{domain.Str("id")}")).StatusCode);

        await (await _admin.PostJsonAsync("/whitelisted-emails", new { address = "vip@example.org" }))
            .JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync("/whitelisted-emails", new { address = "VIP@example.org" }))
            .ProblemAsync(HttpStatusCode.Conflict);
        await (await _admin.PostJsonAsync("/whitelisted-emails", new { address = "vip" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.GetAsync("/hard-bounces/vip@example.org")).ProblemAsync(HttpStatusCode.NotFound);

        // Another team sees none of it.
        var other = await _host.CreateAccountAsync("Other Corp");
        using var otherAdmin = await other.AdminAsync();
        Assert.Empty(
            (await (await otherAdmin.GetAsync("/unsubscribes")).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Empty(
            (await (await otherAdmin.GetAsync("/whitelisted-emails")).JsonAsync()).GetProperty("items")
            .EnumerateArray());
        await (await otherAdmin.DeleteAsync($"/unsubscribes/{created.Str("id")}"))
            .ProblemAsync(HttpStatusCode.NotFound);
    }
    [Fact]
    public async Task Categories_are_a_team_list_and_the_page_offers_them_to_choose_from()
    {
        var offers = await (await _admin.PostJsonAsync(
            "/unsubscribe-categories", new { name = "Offers", description = "Deals" }))
            .JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync("/unsubscribe-categories", new { name = "Newsletter" }))
            .JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync("/unsubscribe-categories", new { name = "Offers" }))
            .ProblemAsync(HttpStatusCode.Conflict);
        await (await _admin.PostJsonAsync("/unsubscribe-categories", new { name = "  " }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PutAsJsonAsync($"/unsubscribe-categories/{offers.Str("id")}", new { name = "Deals" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var edited = await (await _admin.PutAsJsonAsync(
            $"/unsubscribe-categories/{offers.Str("id")}", new { name = "Offers", description = "Our deals" }))
            .JsonAsync();
        Assert.Equal("Our deals", edited.Str("description"));
        Assert.Equal(
            2, (await (await _admin.GetAsync("/unsubscribe-categories")).JsonAsync()).GetProperty("items")
            .GetArrayLength());

        var (_, received) = await SendAsync(await SourceAsync("Ann", "ann@example.org"), 1);
        var link = PathOf(
            Regex.Match(received.Single().HtmlBody!,
                "https://mail\\.acme\\.example/public/unsubscribe/[A-Za-z0-9_-]+").Value);
        var html = await (await _public.GetAsync(link)).Content.ReadAsStringAsync();
        Assert.Contains("value=\"Offers\" checked", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Newsletter\">", html, StringComparison.Ordinal);

        // Both categories chosen; a category the team does not have is ignored.
        using var choice = new FormUrlEncodedContent(
            [new("category", "Offers"), new("category", "Newsletter"), new("category", "Invented")]);
        var done = await _public.PostAsync(link, choice);
        Assert.Contains("Offers, Newsletter emails", await done.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var entries = (await (await _admin.GetAsync("/unsubscribes")).JsonAsync()).GetProperty("items").EnumerateArray()
            .Select(e => e.Str("category")).Order();
        Assert.Equal(["Newsletter", "Offers"], entries);

        await (await _admin.DeleteAsync($"/unsubscribe-categories/{offers.Str("id")}"))
            .ProblemAsync(HttpStatusCode.Conflict);
        var newsletter = (await (await _admin.GetAsync("/unsubscribe-categories")).JsonAsync()).GetProperty("items")
            .EnumerateArray()
            .Single(c => c.Str("name") == "Newsletter");
        var entry = (await (await _admin.GetAsync("/unsubscribes?category=Newsletter")).JsonAsync())
            .GetProperty("items")[0];
        Assert.Equal(
            HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/unsubscribes/{entry.Str("id")}")).StatusCode);
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await _admin.DeleteAsync($"/unsubscribe-categories/{newsletter.Str("id")}")).StatusCode);
    }
}

public sealed class DeliverabilityOnSqlite() : DeliverabilityTests(Provider.Sqlite);

public sealed class DeliverabilityOnPostgres() : DeliverabilityTests(Provider.Postgres);
