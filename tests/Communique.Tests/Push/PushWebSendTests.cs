using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Communique.Campaigns;
using Communique.Deliverability;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Communique.Tests.Push;

// Web Push through the whole product: a site's browsers subscribe through the public endpoint, a push communication
// is sent to a segment or to users by id, and a loopback push service receives what each browser would: checked by
// the reference http_ece implementation (decrypted with the browser's private key) and a JWT library (the VAPID
// signature). The push service's answers decide what happens to each message and subscription.
public abstract class PushWebSendTests(Provider provider) : IAsyncLifetime
{
    private WebPushLoopback _service = null!;
    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;
    private HttpClient _public = null!;
    private string _siteKey = null!;
    private string _project = null!;
    private string _campaign = null!;
    private readonly Dictionary<string, WebPushPeer> _browsers = new(StringComparer.Ordinal);

    public async ValueTask InitializeAsync()
    {
        _service = await WebPushLoopback.StartAsync();
        var folder = Directory.CreateTempSubdirectory("push-web-").FullName;
        var roots = Path.Combine(folder, "roots.pem");
        await File.WriteAllTextAsync(roots, LoopbackTls.Pem(_service.Certificate));
        _host = await TestHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Push:AllowedNetworks"] = "127.0.0.0/8",
            ["Push:TrustedCertificates"] = roots,
            ["Push:RequestTimeoutSeconds"] = "2",
            ["Mail:PublicBaseUrl"] = "https://communique.example",
        });
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
        _public = _host.CreateClient();
        await (await _admin.PutAsJsonAsync("/push/settings", new { vapidSubject = "mailto:ops@acme.example" }))
            .JsonAsync();
        _siteKey = (await (await _admin.PostJsonAsync("/push/sites", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("key");
        _project = (await (await _admin.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        _campaign = (await (await _admin.PostJsonAsync("/campaigns", new { projectId = _project, name = "Sales" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var browser in _browsers.Values)
        {
            browser.Dispose();
        }

        _admin.Dispose();
        _public.Dispose();
        await _host.DisposeAsync();
        await _service.DisposeAsync();
    }

    private async Task<string> SubscribeAsync(string name, string user, object? attributes = null)
    {
        var browser = _browsers[name] = new WebPushPeer();
        return (await (await _public.PostJsonAsync("/public/push/subscriptions", new
        {
            siteKey = _siteKey, endpoint = _service.Endpoint(name),
            keys = new { p256dh = browser.P256dh, auth = browser.Auth }, userId = user, attributes,
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
    }

    private async Task<string> CommunicationAsync(object content) =>
        (await (await _admin.PostJsonAsync($"/projects/{_project}/communications", new
        {
            name = "Push " + Guid.NewGuid().ToString("N")[..8], channel = "push", content,
        })).JsonAsync(HttpStatusCode.Created)).Str("id");

    private async Task RunJobsAsync()
    {
        for (var i = 0; i < 50 && await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None); i++)
        {
        }
    }

    private async Task<JsonElement> ReportAsync(string send) =>
        await (await _admin.GetAsync($"/push/sends/{send}/report")).JsonAsync();

    // What the browser subscribed as `name` reads from the message it was sent, checked by http_ece and jose.
    private async Task<(JsonElement Payload, JsonElement Claims, WebPushLoopback.Received Received)> ReadAsync(
        string name)
    {
        var received = Assert.Single(_service.Messages, m => m.Subscription == name);
        var (plaintext, claims) = await _browsers[name].CheckAsync(
            received.Body, received.Headers["Authorization"], _service.Origin, _host.Clock.GetUtcNow());
        return (JsonDocument.Parse(plaintext).RootElement.Clone(), claims, received);
    }

    [Fact]
    public async Task A_campaign_to_a_segment_reaches_each_browser_encrypted_signed_and_rendered()
    {
        await SubscribeAsync("ann-laptop", "u-ann", new { plan = "pro", first_name = "Ann" });
        await SubscribeAsync("bob-phone", "u-bob", new { plan = "pro", first_name = "Bob" });
        await SubscribeAsync("cy-laptop", "u-cy", new { plan = "free", first_name = "Cy" });
        var communication = await CommunicationAsync(new
        {
            title = "Hi {{ first_name }}", body = "Pro prices end tonight", url = "https://shop.example/sale",
            icon = "https://shop.example/icon.png",
            actions = new[] { new { action = "open", title = "Shop now", url = "https://shop.example/sale?a=1" } },
            data = new Dictionary<string, string> { ["user"] = "{{ user_id }}" },
            timeToLive = 3600, urgency = "high", topic = "sale",
        });

        var send = (await (await _admin.PostJsonAsync($"/push/campaigns/{_campaign}/sends", new
        {
            communicationId = communication, attributes = new { plan = "pro" },
        })).JsonAsync(HttpStatusCode.Accepted)).Str("id");
        await RunJobsAsync();

        Assert.Equal(2, _service.Messages.Count);
        var (payload, claims, received) = await ReadAsync("ann-laptop");
        Assert.Equal("Hi Ann", payload.Str("title"));
        Assert.Equal("Pro prices end tonight", payload.Str("body"));
        Assert.Equal("https://shop.example/sale", payload.Str("url"));
        Assert.Equal("u-ann", payload.GetProperty("data").Str("user"));
        Assert.Equal("open", payload.GetProperty("actions")[0].Str("action"));
        Assert.Equal("sale", payload.Str("tag"));
        Assert.Equal("https://communique.example/public/push/events", payload.Str("events"));
        Assert.Equal("mailto:ops@acme.example", claims.Str("sub"));
        Assert.Equal("aes128gcm", received.Headers["Content-Encoding"]);
        Assert.Equal("HTTP/2", received.Protocol);
        Assert.Equal(("3600", "high", "sale"),
            (received.Headers["TTL"], received.Headers["Urgency"], received.Headers["Topic"]));
        Assert.Equal("Hi Bob", (await ReadAsync("bob-phone")).Payload.Str("title"));
        var settings = await (await _admin.GetAsync("/push/settings")).JsonAsync();
        Assert.Contains($"k={settings.Str("vapidPublicKey")}", received.Headers["Authorization"],
            StringComparison.Ordinal);
        // One JWT for the push service's origin, not one per message.
        Assert.Single(_service.Messages.Select(m => m.Headers["Authorization"]).Distinct());

        var report = await ReportAsync(send);
        Assert.Equal(("completed", 2, 2, 0), (report.Str("state"), report.GetProperty("messages").GetInt32(),
            report.GetProperty("delivered").GetInt32(), report.GetProperty("queued").GetInt32()));

        // The service workers report back with the signature from each payload; a forged one is refused.
        var bob = (await ReadAsync("bob-phone")).Payload;
        Assert.Equal(HttpStatusCode.NoContent, (await _public.PostJsonAsync("/public/push/events", new
        {
            m = payload.Str("m"), s = payload.Str("s"), type = "displayed",
        })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _public.PostJsonAsync("/public/push/events", new
        {
            m = bob.Str("m"), s = bob.Str("s"), type = "clicked", action = "open",
        })).StatusCode);
        var forged = await (await _public.PostJsonAsync("/public/push/events", new
        {
            m = bob.Str("m"), s = payload.Str("s"), type = "clicked",
        })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("signature", forged.Str("detail"), StringComparison.Ordinal);
        await _host.Service<EventRecorder>().FlushAsync(CancellationToken.None);
        report = await ReportAsync(send);
        Assert.Equal((1, 1), (report.GetProperty("displayed").GetInt32(), report.GetProperty("clicked").GetInt32()));
    }

    [Fact]
    public async Task Each_push_service_answer_decides_the_message_and_its_subscription()
    {
        var gone = await SubscribeAsync("gone-1", "u-gone", new { plan = "pro" });
        var big = await SubscribeAsync("big-1", "u-big", new { plan = "pro" });
        await SubscribeAsync("busy-1", "u-busy", new { plan = "pro" });
        await SubscribeAsync("stall-1", "u-stall", new { plan = "pro" });
        await SubscribeAsync("broken-1", "u-broken", new { plan = "pro" });
        await SubscribeAsync("fine-1", "u-fine", new { plan = "pro" });
        var communication = await CommunicationAsync(new { title = "Restocked" });
        var send = (await (await _admin.PostJsonAsync($"/push/campaigns/{_campaign}/sends", new
        {
            communicationId = communication, audience = "all",
        })).JsonAsync(HttpStatusCode.Accepted)).Str("id");
        await RunJobsAsync();

        // A stalled push service holds up only its own message: the others were answered.
        Assert.Equal(["fine-1"], _service.Messages.Select(m => m.Subscription));
        var messages = await _host.WithDbAsync(db => db.OutboundMessages.IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.SendId == Guid.Parse(send)).ToDictionaryAsync(m => m.Address));
        Assert.Equal(MessageState.Failed, messages["u-gone"].State);
        Assert.StartsWith("410", messages["u-gone"].LastReply, StringComparison.Ordinal);
        Assert.Equal(MessageState.Failed, messages["u-big"].State);
        Assert.StartsWith("413", messages["u-big"].LastReply, StringComparison.Ordinal);
        var busy = messages["u-busy"];
        Assert.Equal((MessageState.Queued, 1), (busy.State, busy.Attempts));
        Assert.Equal(TimeSpan.FromSeconds(120), busy.NextAttemptAt - _host.Clock.GetUtcNow().UtcDateTime);
        Assert.Equal(MessageState.Queued, messages["u-stall"].State);
        Assert.Contains("in time", messages["u-stall"].LastReply, StringComparison.Ordinal);
        Assert.Equal(MessageState.Queued, messages["u-broken"].State);

        // A gone subscription is removed; one whose message was too large stays.
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/push/subscriptions/{gone}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync($"/push/subscriptions/{big}")).StatusCode);
        var report = await ReportAsync(send);
        Assert.Equal((1, 2, 3), (report.GetProperty("expiredSubscriptionsRemoved").GetInt32(),
            report.GetProperty("failed").GetInt32(), report.GetProperty("queued").GetInt32()));

        // Retry-After is obeyed: nothing before it, delivered after it.
        _host.Clock.Advance(TimeSpan.FromSeconds(119));
        await RunJobsAsync();
        Assert.DoesNotContain(_service.Messages, m => m.Subscription == "busy-1");
        _host.Clock.Advance(TimeSpan.FromSeconds(2));
        await RunJobsAsync();
        Assert.Contains(_service.Messages, m => m.Subscription == "busy-1");
    }

    [Fact]
    public async Task A_campaign_to_a_data_sources_users_reaches_all_their_subscriptions_and_is_archived()
    {
        await SubscribeAsync("ivy-laptop", "u-ivy", new { plan = "pro" });
        await SubscribeAsync("ivy-phone", "u-ivy");
        await SubscribeAsync("jon-laptop", "u-jon");
        using var form = new MultipartFormDataContent { { new StringContent("Loyalty"), "name" } };
        var file = new ByteArrayContent(
            "user,first_name,points\nu-ivy,Ivy,120\nu-jon,Jon,40\nu-kim,Kim,7\n"u8.ToArray());
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "loyalty.csv");
        var source = (await (await _admin.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");
        await RunJobsAsync();
        var communication = await CommunicationAsync(new
        {
            title = "{{ first_name }}, you have {{ points }} points", body = "Kept for {{ user_id }}",
        });

        var refused = await (await _admin.PostJsonAsync($"/push/campaigns/{_campaign}/sends", new
        {
            communicationId = communication, dataSourceId = source, userIdField = "email",
        })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("user, first_name, points", refused.GetProperty("errors").GetProperty("userIdField")[0]
            .GetString(), StringComparison.Ordinal);
        var send = (await (await _admin.PostJsonAsync($"/push/campaigns/{_campaign}/sends", new
        {
            communicationId = communication, dataSourceId = source, userIdField = "user",
        })).JsonAsync(HttpStatusCode.Accepted)).Str("id");
        await RunJobsAsync();

        Assert.Equal(3, _service.Messages.Count);
        var ivy = (await ReadAsync("ivy-laptop")).Payload;
        Assert.Equal(("Ivy, you have 120 points", "Kept for u-ivy"), (ivy.Str("title"), ivy.Str("body")));
        Assert.Equal("Ivy, you have 120 points", (await ReadAsync("ivy-phone")).Payload.Str("title"));
        Assert.Equal("Jon, you have 40 points", (await ReadAsync("jon-laptop")).Payload.Str("title"));
        var report = await ReportAsync(send);
        Assert.Equal((3, 1), (report.GetProperty("delivered").GetInt32(),
            report.GetProperty("suppressedNoSubscription").GetInt32()));

        // Each message is in the archive as its browser reads it once decrypted.
        var archived = await (await _admin.GetAsync($"/archive/entries?sendId={send}")).JsonAsync();
        var entries = archived.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal(("push", "application/json"), (e.Str("channel"), e.Str("contentType"))));
        var entry = entries.Single(e => e.Str("messageId") == ivy.Str("m"));
        var kept = await (await _admin.GetAsync($"/archive/entries/{entry.Str("id")}/content")).Content
            .ReadAsStringAsync();
        Assert.Equal("Ivy, you have 120 points", JsonDocument.Parse(kept).RootElement.Str("title"));
    }

    [Fact]
    public async Task A_transactional_call_reaches_every_subscription_of_each_user_once_per_key()
    {
        await SubscribeAsync("dee-laptop", "u-dee");
        await SubscribeAsync("dee-phone", "u-dee");
        await (await _admin.PostJsonAsync($"/projects/{_project}/communications", new
        {
            name = "Shipped", channel = "push", content = new { title = "Order {{ order }} shipped" },
        })).JsonAsync(HttpStatusCode.Created);
        var call = new
        {
            project = "Shop", campaign = "Orders", communication = "Shipped",
            recipients = new object[]
            {
                new { userId = "u-dee", data = new { order = "A-17" } },
                new { userId = "u-nobody", data = new { order = "B-2" } },
            },
        };
        using var first = new HttpRequestMessage(HttpMethod.Post, "/push/transactional")
        {
            Content = JsonContent.Create(call),
        };
        first.Headers.Add("Idempotency-Key", "order-A-17");
        var accepted = await (await _admin.SendAsync(first)).JsonAsync();
        Assert.Equal((2, 1), (accepted.GetProperty("messages").GetInt32(),
            accepted.GetProperty("usersWithoutSubscription").GetInt32()));

        using var again = new HttpRequestMessage(HttpMethod.Post, "/push/transactional")
        {
            Content = JsonContent.Create(call),
        };
        again.Headers.Add("Idempotency-Key", "order-A-17");
        Assert.Equal(accepted.Str("sendId"), (await (await _admin.SendAsync(again)).JsonAsync()).Str("sendId"));
        await RunJobsAsync();

        Assert.Equal(2, _service.Messages.Count);
        Assert.Equal("Order A-17 shipped", (await ReadAsync("dee-phone")).Payload.Str("title"));
        var report = await ReportAsync(accepted.Str("sendId"));
        Assert.Equal((2, 1), (report.GetProperty("delivered").GetInt32(),
            report.GetProperty("suppressedNoSubscription").GetInt32()));
    }

    [Fact]
    public async Task A_preview_renders_the_message_for_a_platform_and_gives_its_size()
    {
        var communication = await CommunicationAsync(new
        {
            title = "Hi {{ first_name }}", body = "{{ count }} items wait", web = new { requireInteraction = true },
            apns = new { aps = new { sound = "chime.caf" } },
        });
        var web = await (await _admin.PostJsonAsync($"/push/communications/{communication}/preview", new
        {
            data = new { first_name = "Lou", count = 3 },
        })).JsonAsync();
        Assert.Equal(("Hi Lou", "3 items wait"), (web.GetProperty("notification").Str("title"),
            web.GetProperty("notification").Str("body")));
        Assert.True(web.GetProperty("notification").GetProperty("override").GetProperty("requireInteraction")
            .GetBoolean());
        Assert.Equal(("normal", 2_419_200), (web.GetProperty("notification").Str("urgency"),
            web.GetProperty("notification").GetProperty("timeToLive").GetInt32()));
        Assert.InRange(web.GetProperty("payloadBytes").GetInt32(), 200, 3993);
        Assert.Equal(3993, web.GetProperty("maxPayloadBytes").GetInt32());
        var apns = await (await _admin.PostJsonAsync($"/push/communications/{communication}/preview", new
        {
            data = new { first_name = "Lou", count = 3 }, platform = "apns",
        })).JsonAsync();
        Assert.Equal("chime.caf", apns.GetProperty("notification").GetProperty("override").GetProperty("aps")
            .Str("sound"));

        var missing = await (await _admin.PostJsonAsync($"/push/communications/{communication}/preview", new
        {
            data = new { first_name = "Lou" },
        })).ProblemAsync((HttpStatusCode)422);
        Assert.Contains("count", missing.Str("detail"), StringComparison.Ordinal);
        await (await _admin.PostJsonAsync($"/push/communications/{communication}/preview", new
        {
            platform = "pager",
        })).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_opted_out_user_is_suppressed_and_opting_in_again_restores_them()
    {
        await SubscribeAsync("eve-laptop", "u-eve");
        await SubscribeAsync("fay-laptop", "u-fay");
        await (await _admin.PutAsync("/push/opt-outs/u-eve", null)).JsonAsync();
        var communication = await CommunicationAsync(new { title = "News" });
        var send = (await (await _admin.PostJsonAsync($"/push/campaigns/{_campaign}/sends", new
        {
            communicationId = communication, audience = "all",
        })).JsonAsync(HttpStatusCode.Accepted)).Str("id");
        await RunJobsAsync();

        Assert.Equal(["fay-laptop"], _service.Messages.Select(m => m.Subscription));
        Assert.Equal(1, (await ReportAsync(send)).GetProperty("suppressedOptedOut").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/push/opt-outs/u-eve")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync("/push/opt-outs/u-eve")).StatusCode);
    }

    [Fact]
    public async Task Rotating_the_VAPID_key_changes_what_sites_subscribe_with_and_signs_later_messages()
    {
        await SubscribeAsync("hal-laptop", "u-hal");
        async Task<string> SiteKeyAsync() =>
            (await (await _public.GetAsync($"/public/push/sites/{_siteKey}")).JsonAsync()).Str("vapidPublicKey");
        var before = await SiteKeyAsync();
        var rotated = await (await _admin.PostAsync("/push/settings/vapid/rotate", null)).JsonAsync();
        var after = await SiteKeyAsync();
        Assert.NotEqual(before, after);
        Assert.Equal(after, rotated.Str("vapidPublicKey"));
        Assert.DoesNotContain("private", rotated.GetRawText(), StringComparison.OrdinalIgnoreCase);

        await (await _admin.PostJsonAsync($"/projects/{_project}/communications", new
        {
            name = "Hello", channel = "push", content = new { title = "Hello" },
        })).JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync("/push/transactional", new
        {
            project = "Shop", campaign = "Hellos", communication = "Hello",
            recipients = new[] { new { userId = "u-hal" } },
        })).JsonAsync();
        await RunJobsAsync();
        var (_, _, received) = await ReadAsync("hal-laptop");
        Assert.Contains($"k={after}", received.Headers["Authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_site_that_verifies_its_users_takes_a_subscription_only_with_the_users_signature()
    {
        var site = await (await _admin.PostJsonAsync("/push/sites", new { name = "Bank", verifyUsers = true }))
            .JsonAsync(HttpStatusCode.Created);
        var secret = Convert.FromHexString(site.Str("userSecret"));
        var listed = await (await _admin.GetAsync("/push/sites")).JsonAsync();
        Assert.DoesNotContain(site.Str("userSecret"), listed.GetRawText(), StringComparison.Ordinal);
        Assert.True(listed.EnumerateArray().Single(s => s.Str("key") == site.Str("key")).GetProperty("verifiesUsers")
            .GetBoolean());

        using var browser = new WebPushPeer();
        Task<HttpResponseMessage> Subscribe(string? signature) => _public.PostJsonAsync(
            "/public/push/subscriptions", new
        {
            siteKey = site.Str("key"), endpoint = _service.Endpoint("kay-laptop"),
            keys = new { p256dh = browser.P256dh, auth = browser.Auth }, userId = "u-kay", userSignature = signature,
        });
        await (await Subscribe(null)).ProblemAsync(HttpStatusCode.Forbidden);
        var others = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(secret, "u-eve"u8));
        await (await Subscribe(others)).ProblemAsync(HttpStatusCode.Forbidden);
        var kays = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(secret, "u-kay"u8));
        await (await Subscribe(kays)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(1, await _host.WithDbAsync(db => db.PushSubscriptions.IgnoreQueryFilters().CountAsync()));
    }

    [Fact]
    public async Task Malformed_subscriptions_and_unknown_sites_are_refused_before_anything_is_stored()
    {
        using var browser = new WebPushPeer();
        async Task<JsonElement> Refused(object body, HttpStatusCode status = HttpStatusCode.BadRequest) =>
            await (await _public.PostJsonAsync("/public/push/subscriptions", body)).ProblemAsync(status);
        object Subscription(string endpoint, string? p256dh = null, string? auth = null, string? user = "u1",
            string? site = null) => new
        {
            siteKey = site ?? _siteKey, endpoint, keys = new { p256dh = p256dh ?? browser.P256dh, auth = auth
                ?? browser.Auth }, userId = user,
        };

        var good = _service.Endpoint("x");
        await Refused(Subscription(good, site: "nosuchsitekeyatall123"), HttpStatusCode.NotFound);
        var http = await Refused(Subscription(good.Replace("https:", "http:", StringComparison.Ordinal)));
        Assert.Contains("HTTPS", http.GetProperty("errors").GetProperty("endpoint")[0].GetString(),
            StringComparison.Ordinal);
        var lan = await Refused(Subscription("https://10.1.2.3/push/abc"));
        Assert.Contains("private address", lan.GetProperty("errors").GetProperty("endpoint")[0].GetString(),
            StringComparison.Ordinal);
        var metadata = await Refused(Subscription("https://169.254.169.254/latest"));
        Assert.Contains("metadata", metadata.GetProperty("errors").GetProperty("endpoint")[0].GetString(),
            StringComparison.Ordinal);
        // 65 bytes that start like a point but are not on the curve.
        var offCurve = System.Buffers.Text.Base64Url.EncodeToString([4, .. Enumerable.Repeat((byte)7, 64)]);
        var key = await Refused(Subscription(good, p256dh: offCurve));
        Assert.True(key.GetProperty("errors").TryGetProperty("keys.p256dh", out _));
        var auth = await Refused(Subscription(good, auth: "c2hvcnQ"));
        Assert.True(auth.GetProperty("errors").TryGetProperty("keys.auth", out _));
        var user = await Refused(Subscription(good, user: new string('u', 201)));
        Assert.True(user.GetProperty("errors").TryGetProperty("userId", out _));
        var attributes = await Refused(new
        {
            siteKey = _siteKey, endpoint = good, keys = new { p256dh = browser.P256dh, auth = browser.Auth },
            userId = "u1", attributes = new { plan = 3 },
        });
        Assert.True(attributes.GetProperty("errors").TryGetProperty("attributes.plan", out _));
        Assert.Equal(0, await _host.WithDbAsync(db => db.PushSubscriptions.IgnoreQueryFilters().CountAsync()));

        var events = await (await _public.PostJsonAsync("/public/push/events", new
        {
            m = Guid.NewGuid(), s = "AAAAAAAAAAAAAAAAAAAAAA", type = "read",
        })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(events.GetProperty("errors").TryGetProperty("type", out _));
    }

    [Fact]
    public async Task A_message_too_large_for_a_push_service_is_refused_at_save_and_per_recipient()
    {
        var saved = await (await _admin.PostJsonAsync($"/projects/{_project}/communications", new
        {
            name = "Huge", channel = "push", content = new { title = "Big", body = new string('b', 2900),
                data = new Dictionary<string, string> { ["more"] = new string('m', 999) } },
        })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("4096", saved.GetProperty("errors").GetProperty("content")[0].GetString(),
            StringComparison.Ordinal);

        await SubscribeAsync("gil-laptop", "u-gil");
        await (await _admin.PostJsonAsync($"/projects/{_project}/communications", new
        {
            name = "Echo", channel = "push", content = new { title = "{{ words }}" },
        })).JsonAsync(HttpStatusCode.Created);
        var refused = await (await _admin.PostJsonAsync("/push/transactional", new
        {
            project = "Shop", campaign = "Echoes", communication = "Echo",
            recipients = new[] { new { userId = "u-gil", data = new { words = new string('w', 3990) } } },
        })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("4096", refused.GetProperty("errors").GetProperty("recipients[0].data")[0].GetString(),
            StringComparison.Ordinal);
        Assert.Empty(_service.Messages);
    }
}

public sealed class PushWebSendOnSqlite() : PushWebSendTests(Provider.Sqlite);

public sealed class PushWebSendOnPostgres() : PushWebSendTests(Provider.Postgres);
