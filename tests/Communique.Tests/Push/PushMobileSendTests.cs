using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Communique.Campaigns;
using Communique.Jobs;
using Communique.Push.Mobile;
using Communique.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Communique.Tests.Push;

// Mobile push through the whole product, over its HTTP API: a team sets up its FCM service account and APNs key,
// its backend registers devices, and transactional calls and campaign sends reach loopback FCM and APNs servers that
// keep Google's and Apple's contracts, on the host's clock. Their answers decide what happens to each message and
// device: delivered, the device removed, retried after the service's Retry-After, or the send paused until the
// team's credentials are fixed.
public abstract class PushMobileSendTests(Provider provider) : IAsyncLifetime
{
    private const string AnnPhone = "fcm-token:APA91bAnnsPixel";
    private const string AnnTablet = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private const string BobPhone = "fcm-token:APA91bBobsGalaxy";
    private const string BobTablet = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

    private readonly FakeTimeProvider _clock = TestHost.NewClock();
    private FcmLoopback _fcm = null!;
    private ApnsLoopback _apns = null!;
    private DirectoryInfo _folder = null!;
    private TestHost _host = null!;
    private HttpClient _admin = null!;
    private string _campaign = null!;
    private string _order = null!;
    private string _sale = null!;

    public async ValueTask InitializeAsync()
    {
        _fcm = await FcmLoopback.StartAsync(_clock);
        _apns = await ApnsLoopback.StartAsync(_clock);
        _folder = Directory.CreateTempSubdirectory("communique-push-");
        var roots = Path.Combine(_folder.FullName, "roots.pem");
        // One certificate a line apart: PEM blocks run together are not read as two.
        var pem = LoopbackTls.Pem(_fcm.Certificate) + "\n" + LoopbackTls.Pem(_apns.Certificate);
        await File.WriteAllTextAsync(roots, pem, TestContext.Current.CancellationToken);
        _host = await TestHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Push:AllowedNetworks"] = "127.0.0.0/8",
            ["Push:TrustedCertificates"] = roots,
            ["Push:FcmBaseUrl"] = _fcm.BaseUrl.AbsoluteUri,
            ["Push:ApnsProductionUrl"] = _apns.ProductionUrl.AbsoluteUri,
            ["Push:ApnsSandboxUrl"] = _apns.SandboxUrl.AbsoluteUri,
            // A stalled service fails a hand-over quickly; none of these tests waits on one.
            ["Push:RequestTimeoutSeconds"] = "5",
            ["Push:Parallelism"] = "4",
        }, clock: _clock);
        var acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await acme.AdminAsync();
        await (await _admin.PutAsJsonAsync("/push/settings", new { vapidSubject = "mailto:ops@acme.example" }))
            .JsonAsync();
        await SaveFcmAsync();
        await SaveApnsAsync(_apns.PrivateKeyPem);
        var project = (await (await _admin.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        _order = await CommunicationAsync(project, "Order shipped", new
        {
            title = "Your order {{ order }}",
            body = "Hi {{ first_name }}, it left the warehouse.",
            url = "https://shop.example/orders/{{ order }}",
            data = new Dictionary<string, string> { ["order"] = "{{ order }}", ["kind"] = "shipping" },
            timeToLive = 3600,
            urgency = "high",
            topic = "orders",
            fcm = new
            {
                android = new { notification = new { color = "#ff6600" } },
                fcm_options = new { analytics_label = "shipping" },
            },
            apns = new { aps = new { sound = "default" }, campaign = "autumn" },
        });
        // Without a data source a campaign's message has the subscription's attributes and user id to go on.
        _sale = await CommunicationAsync(project, "Flash sale", new
        {
            title = "A sale for {{ plan }} members", body = "Only today, {{ user_id }}.", timeToLive = 600,
        });
        _campaign = (await (await _admin.PostJsonAsync("/campaigns", new { projectId = project, name = "Autumn" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        await _apns.DisposeAsync();
        await _fcm.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    private async Task<string> CommunicationAsync(string project, string name, object content) =>
        (await (await _admin.PostJsonAsync($"/projects/{project}/communications",
            new { name, channel = "push", content })).JsonAsync(HttpStatusCode.Created)).Str("id");

    private async Task SaveFcmAsync() =>
        await (await _admin.PutAsJsonAsync("/push/settings/fcm",
            new { serviceAccount = JsonDocument.Parse(_fcm.ServiceAccountJson).RootElement })).JsonAsync();

    private async Task SaveApnsAsync(string privateKey) =>
        await (await _admin.PutAsJsonAsync("/push/settings/apns", new
        {
            teamId = ApnsLoopback.TeamId, keyId = ApnsLoopback.KeyId, bundleId = ApnsLoopback.BundleId,
            environment = "sandbox", privateKey,
        })).JsonAsync();

    private async Task<string> RegisterAsync(string platform, string token, string user, string plan = "pro") =>
        (await (await _admin.PostJsonAsync("/push/devices",
            new { platform, token, userId = user, attributes = new { plan } })).JsonAsync(HttpStatusCode.Created))
        .Str("id");

    private async Task RegisterEveryoneAsync()
    {
        await RegisterAsync("fcm", AnnPhone, "ann");
        await RegisterAsync("apns", AnnTablet, "ann");
        await RegisterAsync("fcm", BobPhone, "bob", plan: "free");
        await RegisterAsync("apns", BobTablet, "bob", plan: "free");
    }

    private async Task<JsonElement> TransactionalAsync(params object[] recipients) =>
        await (await _admin.PostJsonAsync("/push/transactional", new
        {
            project = "Shop", campaign = "Orders", communication = "Order shipped", recipients,
        })).JsonAsync();

    private static object Recipient(string user, string order = "1042") =>
        new { userId = user, data = new { order, first_name = char.ToUpperInvariant(user[0]) + user[1..] } };

    private async Task<string> CampaignSendAsync(object audience) =>
        (await (await _admin.PostJsonAsync($"/push/campaigns/{_campaign}/sends", audience))
            .JsonAsync(HttpStatusCode.Accepted)).Str("id");

    private async Task<JsonElement> ReportAsync(string send) =>
        await (await _admin.GetAsync($"/push/sends/{send}/report")).JsonAsync();

    private async Task<JsonElement> SendAsync(string send) =>
        await (await _admin.GetAsync($"/campaigns/sends/{send}")).JsonAsync();

    private async Task RunJobsAsync()
    {
        for (var i = 0; i < 20 && await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None); i++)
        {
        }
    }

    private Task<List<OutboundMessage>> MessagesAsync(string send) => _host.WithDbAsync(db => db.OutboundMessages
        .IgnoreQueryFilters().AsNoTracking().Where(m => m.SendId == Guid.Parse(send)).ToListAsync());

    private async Task<List<string>> SubscribedUsersAsync()
    {
        var page = await (await _admin.GetAsync("/push/subscriptions?limit=100")).JsonAsync();
        return [.. page.GetProperty("items").EnumerateArray()
            .Select(s => $"{s.Str("userId")} {s.Str("platform")} {s.Str("endpoint")}").Order(StringComparer.Ordinal)];
    }

    private static long Count(JsonElement report, string name) => report.GetProperty(name).GetInt64();

    private static string Text(JsonNode? node) => node!.GetValue<string>();

    [Fact]
    public async Task An_fcm_and_an_apns_device_of_one_user_both_receive_the_rendered_notification()
    {
        await RegisterAsync("fcm", AnnPhone, "ann");
        await RegisterAsync("apns", AnnTablet, "ann");

        var called = await TransactionalAsync(Recipient("ann"));
        Assert.Equal((2, 0), (called.GetProperty("messages").GetInt32(),
            called.GetProperty("usersWithoutSubscription").GetInt32()));
        await RunJobsAsync();
        var fcm = Assert.Single(_fcm.Received);
        Assert.Equal(AnnPhone, fcm.DeviceToken);
        var message = fcm.Message;
        Assert.Equal(("Your order 1042", "Hi Ann, it left the warehouse."),
            (Text(message["notification"]!["title"]), Text(message["notification"]!["body"])));
        var data = message["data"]!.AsObject();
        Assert.Equal(("1042", "shipping", "https://shop.example/orders/1042"),
            (Text(data["order"]), Text(data["kind"]), Text(data["url"])));
        var android = message["android"]!.AsObject();
        Assert.Equal(("3600s", "high", "orders"),
            (Text(android["ttl"]), Text(android["priority"]), Text(android["collapse_key"])));
        // The content's "fcm" object, merged over what the notification made.
        Assert.Equal(("#ff6600", "orders"),
            (Text(android["notification"]!["color"]), Text(android["notification"]!["tag"])));
        Assert.Equal("shipping", Text(message["fcm_options"]!["analytics_label"]));

        var apns = Assert.Single(_apns.Received);
        Assert.Equal((ApnsEnvironment.Sandbox, AnnTablet, "HTTP/2"),
            (apns.Environment, apns.DeviceToken, apns.Protocol));
        var expiry = _clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Assert.Equal((ApnsLoopback.BundleId, "alert", "10", "orders", expiry),
            (apns.Headers["apns-topic"], apns.Headers["apns-push-type"], apns.Headers["apns-priority"],
                apns.Headers["apns-collapse-id"], apns.Headers["apns-expiration"]));
        var payload = apns.Payload;
        Assert.Equal(("Your order 1042", "Hi Ann, it left the warehouse."),
            (Text(payload["aps"]!["alert"]!["title"]), Text(payload["aps"]!["alert"]!["body"])));
        Assert.Equal(("1042", "shipping", "https://shop.example/orders/1042"),
            (Text(payload["order"]), Text(payload["kind"]), Text(payload["url"])));
        // The content's "apns" object, merged over the payload.
        Assert.Equal(("default", "autumn"), (Text(payload["aps"]!["sound"]), Text(payload["campaign"])));

        var report = await ReportAsync(called.Str("sendId"));
        Assert.Equal(("completed", 2L, 2L, 0L, 0L),
            (report.Str("state"), Count(report, "messages"), Count(report, "delivered"), Count(report, "queued"),
                Count(report, "failed")));
    }

    [Fact]
    public async Task A_campaign_reaches_every_subscription_or_a_segment_by_its_attributes()
    {
        await RegisterEveryoneAsync();

        var everyone = await CampaignSendAsync(new { communicationId = _sale, audience = "all" });
        await RunJobsAsync();
        Assert.Equal("completed", (await SendAsync(everyone)).Str("state"));
        Assert.Equal([(BobPhone, "A sale for free members"), (AnnPhone, "A sale for pro members")],
            _fcm.Received.Select(s => (s.DeviceToken, Text(s.Message["notification"]!["title"])))
                .OrderBy(s => s.Item2, StringComparer.Ordinal));
        Assert.Equal([(AnnTablet, "Only today, ann."), (BobTablet, "Only today, bob.")],
            _apns.Received.Select(s => (s.DeviceToken, Text(s.Payload["aps"]!["alert"]!["body"])))
                .OrderBy(s => s.Item2, StringComparer.Ordinal));
        Assert.Equal(4, Count(await ReportAsync(everyone), "delivered"));

        var pro = await CampaignSendAsync(new
        {
            communicationId = _sale, attributes = new Dictionary<string, string> { ["plan"] = "pro" },
        });
        await RunJobsAsync();
        var report = await ReportAsync(pro);
        Assert.Equal(("completed", 2L, 2L),
            (report.Str("state"), Count(report, "messages"), Count(report, "delivered")));
        Assert.Equal(AnnPhone, _fcm.Received[^1].DeviceToken);
        Assert.Equal(AnnTablet, _apns.Received[^1].DeviceToken);
        Assert.Equal((3, 3), (_fcm.Received.Count, _apns.Received.Count));
    }

    [Fact]
    public async Task Devices_the_push_services_call_unregistered_are_removed_and_counted()
    {
        await RegisterEveryoneAsync();
        _fcm.Fail(AnnPhone, FcmFault.Unregistered);
        _apns.Fail(AnnTablet, ApnsFault.Unregistered);
        _apns.Fail(BobTablet, ApnsFault.BadDeviceToken);

        var send = await CampaignSendAsync(new { communicationId = _sale, audience = "all" });
        await RunJobsAsync();

        var report = await ReportAsync(send);
        Assert.Equal(("completed", 4L, 1L, 3L, 3L),
            (report.Str("state"), Count(report, "messages"), Count(report, "delivered"),
                Count(report, "expiredSubscriptionsRemoved"), Count(report, "failed")));
        Assert.Equal(["bob fcm …bsGalaxy"], await SubscribedUsersAsync());
        Assert.Equal(BobPhone, Assert.Single(_fcm.Received).DeviceToken);
        Assert.Empty(_apns.Received);
        var replies = (await MessagesAsync(send)).Where(m => m.State == MessageState.Failed)
            .Select(m => m.LastReply!).Order(StringComparer.Ordinal).ToList();
        Assert.Collection(replies,
            r => Assert.StartsWith("APNs 400 BadDeviceToken", r, StringComparison.Ordinal),
            r => Assert.StartsWith("APNs 410 Unregistered", r, StringComparison.Ordinal),
            r => Assert.StartsWith("FCM 404 UNREGISTERED", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_429_with_retry_after_keeps_the_messages_queued_until_then()
    {
        await RegisterAsync("fcm", AnnPhone, "ann");
        await RegisterAsync("apns", AnnTablet, "ann");
        _fcm.Fail(AnnPhone, FcmFault.QuotaExceeded, TimeSpan.FromSeconds(120));
        _apns.Fail(AnnTablet, ApnsFault.TooManyRequests, TimeSpan.FromSeconds(120));

        var send = (await TransactionalAsync(Recipient("ann"))).Str("sendId");
        await RunJobsAsync();
        var waiting = await MessagesAsync(send);
        var retryAt = _clock.GetUtcNow().UtcDateTime.AddSeconds(120);
        Assert.All(waiting,
            m => Assert.Equal((MessageState.Queued, 1, retryAt), (m.State, m.Attempts, m.NextAttemptAt)));
        Assert.Equal((2L, 0L), (Count(await ReportAsync(send), "queued"), Count(await ReportAsync(send), "delivered")));

        // The services take them again, but the messages wait the two minutes they asked for.
        _fcm.Recover(AnnPhone);
        _apns.Recover(AnnTablet);
        var (fcmCalls, apnsCalls) = (_fcm.Sends, _apns.Requests);
        _clock.Advance(TimeSpan.FromSeconds(119));
        await RunJobsAsync();
        Assert.Equal((fcmCalls, apnsCalls), (_fcm.Sends, _apns.Requests));

        _clock.Advance(TimeSpan.FromSeconds(1));
        await RunJobsAsync();
        Assert.All(await MessagesAsync(send), m => Assert.Equal((MessageState.Sent, 2), (m.State, m.Attempts)));
        Assert.Equal((AnnPhone, AnnTablet), (Assert.Single(_fcm.Received).DeviceToken,
            Assert.Single(_apns.Received).DeviceToken));
        var report = await ReportAsync(send);
        Assert.Equal(("completed", 2L, 0L), (report.Str("state"), Count(report, "delivered"), Count(report, "queued")));
    }

    [Fact]
    public async Task Refused_fcm_credentials_pause_the_send_until_the_account_is_saved_again_and_resumed()
    {
        await RegisterEveryoneAsync();
        _fcm.RefusesGrants = true;

        var send = await CampaignSendAsync(new { communicationId = _sale, audience = "all" });
        await RunJobsAsync();

        var paused = await SendAsync(send);
        Assert.Equal("paused", paused.Str("state"));
        Assert.StartsWith("Paused: Google's token endpoint answered 400 invalid_grant", paused.Str("error"),
            StringComparison.Ordinal);
        Assert.Contains(FcmLoopback.ClientEmail, paused.Str("error"), StringComparison.Ordinal);
        var report = await ReportAsync(send);
        Assert.Equal((2L, 0L, "paused"), (Count(report, "queued"), Count(report, "failed"), report.Str("state")));
        var messages = await MessagesAsync(send);
        Assert.Equal(2, messages.Count(m => m.State == MessageState.Sent));
        // Nothing reached FCM: the FCM messages wait, untried.
        Assert.Equal([(MessageState.Queued, 0), (MessageState.Queued, 0)],
            messages.Where(m => m.State != MessageState.Sent).Select(m => (m.State, m.Attempts)));
        Assert.Empty(_fcm.Received);

        _fcm.RefusesGrants = false;
        await SaveFcmAsync();
        await (await _admin.PostAsync($"/campaigns/sends/{send}/resume", null)).JsonAsync();
        await RunJobsAsync();

        var completed = await SendAsync(send);
        Assert.Equal(("completed", JsonValueKind.Null),
            (completed.Str("state"), completed.GetProperty("error").ValueKind));
        Assert.All(await MessagesAsync(send), m => Assert.Equal((MessageState.Sent, 1), (m.State, m.Attempts)));
        Assert.Equal([AnnPhone, BobPhone], _fcm.Received.Select(s => s.DeviceToken).Order(StringComparer.Ordinal));
        report = await ReportAsync(send);
        Assert.Equal((4L, 0L, 0L), (Count(report, "delivered"), Count(report, "queued"), Count(report, "failed")));
    }

    [Fact]
    public async Task A_refused_apns_key_pauses_the_send_until_the_right_key_is_saved_and_it_is_resumed()
    {
        await RegisterEveryoneAsync();
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await SaveApnsAsync(stranger.ExportPkcs8PrivateKeyPem());

        var send = await CampaignSendAsync(new { communicationId = _sale, audience = "all" });
        await RunJobsAsync();

        var paused = await SendAsync(send);
        Assert.Equal("paused", paused.Str("state"));
        Assert.StartsWith("Paused: APNs 403 InvalidProviderToken", paused.Str("error"), StringComparison.Ordinal);
        var messages = await MessagesAsync(send);
        Assert.Equal(0, messages.Count(m => m.State == MessageState.Failed));
        Assert.Equal([(MessageState.Queued, 0), (MessageState.Queued, 0)],
            messages.Where(m => m.State != MessageState.Sent).Select(m => (m.State, m.Attempts)));
        Assert.Empty(_apns.Received);

        await SaveApnsAsync(_apns.PrivateKeyPem);
        await (await _admin.PostAsync($"/campaigns/sends/{send}/resume", null)).JsonAsync();
        await RunJobsAsync();

        var completed = await SendAsync(send);
        Assert.Equal(("completed", JsonValueKind.Null),
            (completed.Str("state"), completed.GetProperty("error").ValueKind));
        Assert.All(await MessagesAsync(send), m => Assert.Equal((MessageState.Sent, 1), (m.State, m.Attempts)));
        Assert.Equal([BobTablet, AnnTablet], _apns.Received.Select(s => s.DeviceToken).Order(StringComparer.Ordinal));
        Assert.Equal(4, Count(await ReportAsync(send), "delivered"));
    }

    [Fact]
    public async Task An_opted_out_user_is_suppressed_and_receives_nothing()
    {
        await RegisterEveryoneAsync();
        await (await _admin.PutAsync("/push/opt-outs/ann", null)).JsonAsync();

        var send = (await TransactionalAsync(Recipient("ann"), Recipient("bob", "1043"))).Str("sendId");
        await RunJobsAsync();

        var report = await ReportAsync(send);
        Assert.Equal((4L, 2L, 2L, 0L),
            (Count(report, "messages"), Count(report, "delivered"), Count(report, "suppressedOptedOut"),
                Count(report, "failed")));
        Assert.Equal(BobPhone, Assert.Single(_fcm.Received).DeviceToken);
        Assert.Equal(BobTablet, Assert.Single(_apns.Received).DeviceToken);

        // Opted in again, the user's subscriptions were kept and receive the next message.
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/push/opt-outs/ann")).StatusCode);
        await TransactionalAsync(Recipient("ann", "1044"));
        await RunJobsAsync();
        Assert.Equal("Your order 1044", Text(_fcm.Received[^1].Message["notification"]!["title"]));
    }

    [Fact]
    public async Task A_user_without_subscriptions_is_counted_and_the_others_receive_theirs()
    {
        await RegisterAsync("fcm", AnnPhone, "ann");

        var called = await TransactionalAsync(Recipient("ann"), Recipient("nobody", "1045"));
        Assert.Equal((1, 1), (called.GetProperty("messages").GetInt32(),
            called.GetProperty("usersWithoutSubscription").GetInt32()));
        await RunJobsAsync();

        var report = await ReportAsync(called.Str("sendId"));
        Assert.Equal(("completed", 1L, 1L, 0L),
            (report.Str("state"), Count(report, "delivered"), Count(report, "suppressedNoSubscription"),
                Count(report, "failed")));
        Assert.Equal(AnnPhone, Assert.Single(_fcm.Received).DeviceToken);
    }

    [Fact]
    public async Task A_device_registration_with_a_bad_field_is_refused_naming_it()
    {
        var attributes = Enumerable.Range(0, 33).ToDictionary(i => $"a{i}", i => "x");
        (object Body, string Field)[] cases =
        [
            (new { platform = "web", token = "abc", userId = "ann" }, "platform"),
            (new { platform = "fcm", token = "has spaces in it", userId = "ann" }, "token"),
            (new { platform = "apns", token = AnnTablet, userId = new string('u', 300) }, "userId"),
            (new { platform = "fcm", token = AnnPhone, userId = "ann", attributes }, "attributes"),
            (new { platform = "fcm", token = AnnPhone, userId = "ann", attributes = new { plan = 3 } },
                "attributes.plan"),
        ];
        foreach (var (body, field) in cases)
        {
            var problem = await (await _admin.PostJsonAsync("/push/devices", body))
                .ProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _),
                $"{field} is not named: {problem}");
        }

        Assert.Empty(await SubscribedUsersAsync());
    }

    [Fact]
    public async Task A_bad_service_account_or_apns_key_is_refused_and_no_private_key_is_ever_shown()
    {
        var account = JsonNode.Parse(_fcm.ServiceAccountJson)!.AsObject();
        var keyless = account.DeepClone().AsObject();
        keyless.Remove("private_key");
        var plainHttp = account.DeepClone().AsObject();
        plainHttp["token_uri"] = "http://127.0.0.1:9/token";
        foreach (var (serviceAccount, named) in new[] { (keyless, "private_key"), (plainHttp, "token_uri") })
        {
            var problem = await (await _admin.PutAsJsonAsync("/push/settings/fcm", new { serviceAccount }))
                .ProblemAsync(HttpStatusCode.BadRequest);
            var error = problem.GetProperty("errors").GetProperty("serviceAccount")[0].GetString()!;
            Assert.StartsWith(named, error, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", problem.GetRawText(), StringComparison.Ordinal);
        }

        using var rsa = RSA.Create(2048);
        foreach (var privateKey in new[] { "not a key", rsa.ExportPkcs8PrivateKeyPem() })
        {
            var problem = await (await _admin.PutAsJsonAsync("/push/settings/apns", new
            {
                teamId = ApnsLoopback.TeamId, keyId = ApnsLoopback.KeyId, bundleId = ApnsLoopback.BundleId,
                environment = "production", privateKey,
            })).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("privateKey", problem.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY-----", problem.GetRawText(), StringComparison.Ordinal);
        }

        // The refused saves left the good ones in place, and the settings show who, never a key.
        var shown = await (await _admin.GetAsync("/push/settings")).Content.ReadAsStringAsync(
            TestContext.Current.CancellationToken);
        using var settings = JsonDocument.Parse(shown);
        Assert.Equal((FcmLoopback.ProjectId, FcmLoopback.ClientEmail),
            (settings.RootElement.GetProperty("fcm").Str("projectId"),
                settings.RootElement.GetProperty("fcm").Str("clientEmail")));
        Assert.Equal(("sandbox", ApnsLoopback.KeyId), (settings.RootElement.GetProperty("apns").Str("environment"),
            settings.RootElement.GetProperty("apns").Str("keyId")));
        Assert.DoesNotContain("PRIVATE KEY", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("private_key", shown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("privateKey", shown, StringComparison.OrdinalIgnoreCase);
    }
}

public sealed class PushMobileSendOnSqlite() : PushMobileSendTests(Provider.Sqlite);

public sealed class PushMobileSendOnPostgres() : PushMobileSendTests(Provider.Postgres);
