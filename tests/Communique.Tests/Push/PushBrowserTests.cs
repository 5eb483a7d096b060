using System.Buffers.Text;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Communique.Push;
using Communique.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PuppeteerSharp;

namespace Communique.Tests.Push;

// The SDK and the service worker in Debian's chromium, headless: a shop's page on its own loopback origin includes
// the SDK's tag and has sw.js at /communique-sw.js. The first test runs the real server, which sends a push message to
// a loopback push service; headless chromium has no push service to subscribe with, so that message is decrypted
// with the subscription's keys and delivered to the worker through the DevTools protocol, as the browser would after
// decrypting it, and the worker's reports reach the server. The second uses a stand-in for the server's public
// endpoints, which records what the SDK sends.
[Collection(nameof(Browsers))]
public sealed class PushBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private const string SiteKey = "shop-7f3a";

    private readonly List<JsonElement> _subscriptions = [];
    private readonly List<string> _pageErrors = [];
    private readonly string _vapidPublicKey;
    private WebApplication _communique = null!;
    private WebApplication _shop = null!;

    public PushBrowserTests()
    {
        using var vapid = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var point = vapid.ExportParameters(false).Q;
        _vapidPublicKey = Base64Url.EncodeToString([0x04, .. point.X!, .. point.Y!]);
    }

    private string Server => _communique.Urls.Single();

    private string Origin => _shop.Urls.Single();

    public async ValueTask InitializeAsync()
    {
        _communique = await LoopbackAsync(app =>
        {
            app.UseCors();
            app.MapGet("/public/push/sdk.js", () => Results.Bytes(PushScripts.Sdk, PushScripts.ContentType));
            app.MapGet("/public/push/sites/{key}", (string key) => key == SiteKey
                ? Results.Json(new { vapidPublicKey = _vapidPublicKey })
                : Results.NotFound());
            app.MapPost("/public/push/subscriptions", (JsonElement body) =>
                Results.Json(new { id = Record(_subscriptions, body) }, statusCode: StatusCodes.Status201Created));
        });
        _shop = await LoopbackAsync(app =>
        {
            app.MapGet("/", () => Results.Content(_page.Length > 0 ? _page : Page(), "text/html; charset=utf-8"));
            app.MapGet("/communique-sw.js", () => Results.Bytes(PushScripts.ServiceWorker, PushScripts.ContentType));
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _shop.DisposeAsync();
        await _communique.DisposeAsync();
    }

    [Fact]
    public async Task A_push_sent_by_the_server_is_shown_by_the_sites_worker_and_its_reports_reach_the_server()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        // The real server, a push service on loopback it may reach, and a browser subscription made with keys the
        // test holds (headless chromium has no push service): the message the server sends is decrypted with them
        // and handed to the site's worker as the browser's push service would.
        await using var pushService = await WebPushLoopback.StartAsync();
        var data = Directory.CreateTempSubdirectory("communique-push-").FullName;
        var roots = Path.Combine(data, "roots.pem");
        await File.WriteAllTextAsync(roots, LoopbackTls.Pem(pushService.Certificate));
        var environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = data,
            ["Communique__Role"] = "Both",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Push__AllowedNetworks"] = "127.0.0.0/8",
            ["Push__TrustedCertificates"] = roots,
        };
        var account = await ServerProcess.CreateAccountAsync(environment);
        await using var server = await ServerProcess.StartAsync(environment, Path.Combine(data, "server.log"));
        using var api = await server.ClientAsync(account);
        await (await api.PutAsync("/push/settings",
            JsonContent.Create(new { vapidSubject = "mailto:ops@shop.example" }))).JsonAsync();
        var siteKey = (await (await api.PostJsonAsync("/push/sites",
                new { name = "Shop", allowedOrigins = new[] { Origin } }))
            .JsonAsync(System.Net.HttpStatusCode.Created)).Str("key");
        _page = Page(server.Address.ToString().TrimEnd('/'), siteKey);
        using var subscriber = new WebPushPeer();
        using (var site = new HttpClient { BaseAddress = server.Address })
        {
            await (await site.PostJsonAsync("/public/push/subscriptions", new
            {
                siteKey, endpoint = pushService.Endpoint("customer-7-chromium"),
                keys = new { p256dh = subscriber.P256dh, auth = subscriber.Auth }, userId = "customer-7",
            })).JsonAsync(System.Net.HttpStatusCode.Created);
        }

        await using var browser = await LaunchAsync();
        await browser.DefaultContext.OverridePermissionsAsync(Origin, [OverridePermission.Notifications]);
        await using var page = await OpenShopAsync(browser);
        var devTools = await page.CreateCDPSessionAsync();
        var registration = WorkerActivatedAsync(devTools);
        await devTools.SendAsync("ServiceWorker.enable");

        // The visitor's click: the SDK registers the worker, reads the site's key from the server and asks the push
        // service for a subscription. Debian's chromium has none it can reach and never answers; the SDK says so
        // instead of leaving the site's promise pending. A browser that does answer has its subscription stored.
        var outcome = await SubscribeAsync(page);
        var registrationId = await registration.WaitAsync(TimeSpan.FromSeconds(15),
            TestContext.Current.CancellationToken);
        if (outcome.TryGetProperty("answer", out _))
        {
            var stored = await (await api.GetAsync("/push/subscriptions?userId=customer-7")).JsonAsync();
            Assert.Equal(2, stored.GetProperty("items").GetArrayLength());
        }
        else
        {
            Assert.Equal("push-service", outcome.GetProperty("error").Str("code"));
        }

        var project = (await (await api.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(System.Net.HttpStatusCode.Created)).Str("id");
        await (await api.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Shipped", channel = "push", content = new
            {
                title = "Your order has shipped", body = "Order {{ order }} left the warehouse.",
                icon = $"{Origin}/icon.png", url = $"{Origin}/orders/{{{{ order }}}}", topic = "order",
                actions = new[]
                {
                    new { action = "track", title = "Track it", url = $"{Origin}/track/{{{{ order }}}}" },
                },
                data = new Dictionary<string, string> { ["order"] = "{{ order }}" },
            },
        })).JsonAsync(System.Net.HttpStatusCode.Created);
        var send = (await (await api.PostJsonAsync("/push/transactional", new
        {
            project = "Shop", campaign = "Orders", communication = "Shipped",
            recipients = new[] { new { userId = "customer-7", data = new { order = "1042" } } },
        })).JsonAsync()).Str("sendId");
        var received = await ArrivedAsync(pushService);
        var (plaintext, _) = await subscriber.CheckAsync(
            received.Body, received.Headers["Authorization"], pushService.Origin);

        // Something that is not a Communique payload first: the worker ignores it and still shows the next one.
        await DeliverAsync(devTools, registrationId, "not json");
        await DeliverAsync(devTools, registrationId, plaintext);
        await ReportedAsync(api, send, "displayed");
        var shown = Assert.Single((await page.EvaluateFunctionAsync<JsonElement>(
            """
            async () => (await (await navigator.serviceWorker.ready).getNotifications()).map(n => ({
                title: n.title, body: n.body, tag: n.tag, icon: n.icon, data: n.data,
                actions: n.actions.map(a => a.action + ':' + a.title),
            }))
            """)).EnumerateArray());
        Assert.Equal(("Your order has shipped", "Order 1042 left the warehouse.", "order", $"{Origin}/icon.png"),
            (shown.Str("title"), shown.Str("body"), shown.Str("tag"), shown.Str("icon")));
        Assert.Equal(["track:Track it"], shown.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("1042", shown.GetProperty("data").GetProperty("data").Str("order"));
        Assert.Empty(_pageErrors);

        // A click on the notification's action, dispatched inside the worker (the DevTools protocol has no way to click
        // one): the notification closes and the click is reported with the action. The action's address does not
        // open here, as a browser opens a window only for a click the visitor made.
        var target = await browser.WaitForTargetAsync(t => t.Type == TargetType.ServiceWorker
            && t.Url.EndsWith("/communique-sw.js", StringComparison.Ordinal));
        var worker = await target.WorkerAsync();
        await worker.EvaluateFunctionAsync(
            """
            async () => {
                const [notification] = await self.registration.getNotifications();
                self.dispatchEvent(new NotificationEvent('notificationclick', { notification, action: 'track' }));
            }
            """);
        await ReportedAsync(api, send, "clicked");
        Assert.Equal(0, await page.EvaluateFunctionAsync<int>(
            "async () => (await (await navigator.serviceWorker.ready).getNotifications()).length"));
    }

    private static async Task<WebPushLoopback.Received> ArrivedAsync(WebPushLoopback pushService)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!pushService.Messages.TryPeek(out _))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the server sent nothing to the push service");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return Assert.Single(pushService.Messages);
    }

    // The send's report on the server counts the worker's report.
    private static async Task ReportedAsync(HttpClient api, string send, string counter)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((await (await api.GetAsync($"/push/sends/{send}/report")).JsonAsync()).GetProperty(counter)
               .GetInt32() == 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), $"the server counted nothing {counter}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Subscribing_without_the_visitors_permission_is_refused_cleanly()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        await using var browser = await LaunchAsync();
        await using var page = await OpenShopAsync(browser);
        Assert.True(await page.EvaluateExpressionAsync<bool>("Communique.push.isSupported()"));
        Assert.Equal("default", await page.EvaluateExpressionAsync<string>("Communique.push.permission()"));

        // Headless chromium answers every permission prompt with a refusal, as a visitor who blocks would.
        var outcome = await SubscribeAsync(page);
        Assert.Equal(("denied", "CommuniquePushError"),
            (outcome.GetProperty("error").Str("code"), outcome.GetProperty("error").Str("name")));
        Assert.Equal(1, await page.EvaluateExpressionAsync<int>("window.asked"));
        Assert.Equal("denied", await page.EvaluateExpressionAsync<string>("Communique.push.permission()"));
        Assert.Empty(_subscriptions);
        Assert.False(await page.EvaluateExpressionAsync<bool>("Communique.push.unsubscribe()"));
    }

    private string _page = "";

    private string Page() => Page(Server, SiteKey);

    private static string Page(string server, string siteKey) =>
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Shop</title>"
        + "<link rel=\"icon\" href=\"data:,\">"
        + $"<script src=\"{server}/public/push/sdk.js\" data-site-key=\"{siteKey}\" defer></script></head>"
        + "<body><h1>Shop</h1><button id=\"notify\">Tell me when my order ships</button><script>"
        + "const ask = Notification.requestPermission.bind(Notification);"
        + "Notification.requestPermission = () => { window.asked = (window.asked ?? 0) + 1; return ask(); };"
        + "document.getElementById('notify').addEventListener('click', () => Communique.push"
        + ".subscribe({ userId: 'customer-7', attributes: { plan: 'pro' }, timeout: 3000 })"
        + ".then(answer => ({ answer }), e => ({ error: { name: e.name, code: e.code, message: e.message } }))"
        + ".then(outcome => { window.outcome = outcome; }));"
        + "</script></body></html>";

    private static async Task<IBrowser> LaunchAsync() => await Puppeteer.LaunchAsync(new LaunchOptions
    {
        ExecutablePath = Chromium, Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });

    private async Task<IPage> OpenShopAsync(IBrowser browser)
    {
        var page = await browser.NewPageAsync();
        page.DefaultTimeout = 15_000;
        page.PageError += (_, e) => _pageErrors.Add(e.Message);
        await page.GoToAsync(Origin);
        await page.WaitForFunctionAsync("() => window.Communique?.push != null");
        return page;
    }

    // A real click, so that the permission prompt has the user activation browsers require; the outcome is an
    // object either way, and waiting for it times out if the SDK leaves the promise pending.
    private static async Task<JsonElement> SubscribeAsync(IPage page)
    {
        await page.ClickAsync("#notify");
        await page.WaitForFunctionAsync("() => window.outcome !== undefined");
        return await page.EvaluateExpressionAsync<JsonElement>("window.outcome");
    }

    // The registration id of the shop's worker once its version is activated, from the ServiceWorker domain's events.
    private static Task<string> WorkerActivatedAsync(ICDPSession devTools)
    {
        var activated = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        devTools.MessageReceived += (_, e) =>
        {
            if (e.MessageID != "ServiceWorker.workerVersionUpdated")
            {
                return;
            }

            foreach (var version in e.MessageData.GetProperty("versions").EnumerateArray())
            {
                if (version.Str("scriptURL").EndsWith("/communique-sw.js", StringComparison.Ordinal)
                    && version.Str("status") == "activated")
                {
                    activated.TrySetResult(version.Str("registrationId"));
                }
            }
        };
        return activated.Task;
    }

    private Task DeliverAsync(ICDPSession devTools, string registrationId, string data) =>
        devTools.SendAsync("ServiceWorker.deliverPushMessage", new { origin = Origin, registrationId, data });

    private static string Record(List<JsonElement> into, JsonElement body)
    {
        lock (into)
        {
            into.Add(body.Clone());
            return Guid.NewGuid().ToString();
        }
    }

    // A small Kestrel server on its own loopback port; any origin may call it, as Communique's public endpoints allow.
    private static async Task<WebApplication> LoopbackAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()));
        var app = builder.Build();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }
}
