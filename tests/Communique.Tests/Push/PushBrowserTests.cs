using System.Buffers.Text;
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
// the SDK's tag and has sw.js at /communique-sw.js, and a stand-in for Communique's public push endpoints on another
// origin serves the SDK, the site's VAPID key and records what the browser sends. Headless chromium has no push
// service to subscribe with, so a push is delivered to the worker through the DevTools protocol, as the browser
// would after decrypting it.
public sealed class PushBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private const string SiteKey = "shop-7f3a";

    private readonly List<JsonElement> _subscriptions = [];
    private readonly List<JsonElement> _events = [];
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
            app.MapPost("/public/push/events", (JsonElement body) =>
            {
                Record(_events, body);
                return Results.NoContent();
            });
        });
        _shop = await LoopbackAsync(app =>
        {
            app.MapGet("/", () => Results.Content(Page(), "text/html; charset=utf-8"));
            app.MapGet("/communique-sw.js", () => Results.Bytes(PushScripts.ServiceWorker, PushScripts.ContentType));
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _shop.DisposeAsync();
        await _communique.DisposeAsync();
    }

    [Fact]
    public async Task A_push_to_the_sites_worker_is_shown_and_reported_with_its_message_id_and_signature()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        await using var browser = await LaunchAsync();
        await browser.DefaultContext.OverridePermissionsAsync(Origin, [OverridePermission.Notifications]);
        await using var page = await OpenShopAsync(browser);
        var devTools = await page.CreateCDPSessionAsync();
        var registration = WorkerActivatedAsync(devTools);
        await devTools.SendAsync("ServiceWorker.enable");

        // The visitor's click: the SDK registers the worker and asks the push service for a subscription. Debian's
        // chromium has none it can reach and never answers; the SDK says so instead of leaving the site's promise
        // pending. A browser that does answer has its subscription recorded.
        var outcome = await SubscribeAsync(page);
        var registrationId = await registration.WaitAsync(TimeSpan.FromSeconds(15),
            TestContext.Current.CancellationToken);
        if (outcome.TryGetProperty("answer", out var answer))
        {
            var recorded = Assert.Single(_subscriptions);
            Assert.Equal((SiteKey, "customer-7", "pro"), (recorded.Str("siteKey"), recorded.Str("userId"),
                recorded.GetProperty("attributes").Str("plan")));
            Assert.Equal(16, Base64Url.DecodeFromChars(recorded.GetProperty("keys").Str("auth")).Length);
            Assert.False(string.IsNullOrEmpty(answer.Str("id")));
        }
        else
        {
            Assert.Equal("push-service", outcome.GetProperty("error").Str("code"));
            Assert.Empty(_subscriptions);
        }

        // Something that is not a Communique payload first: the worker ignores it and still shows the next one.
        await DeliverAsync(devTools, registrationId, "not json");
        await DeliverAsync(devTools, registrationId, JsonSerializer.Serialize(new
        {
            title = "Your order has shipped",
            body = "Order 1042 left the warehouse.",
            icon = $"{Origin}/icon.png",
            url = $"{Origin}/orders/1042",
            actions = new[] { new { action = "track", title = "Track it", url = $"{Origin}/track/1042" } },
            data = new { order = "1042" },
            tag = "order-1042",
            m = "0195f1c2-message",
            s = "signature-of-the-message",
            events = $"{Server}/public/push/events",
        }));

        var displayed = await EventAsync("displayed");
        Assert.Equal(("0195f1c2-message", "signature-of-the-message"), (displayed.Str("m"), displayed.Str("s")));
        var shown = Assert.Single((await page.EvaluateFunctionAsync<JsonElement>(
            """
            async () => (await (await navigator.serviceWorker.ready).getNotifications()).map(n => ({
                title: n.title, body: n.body, tag: n.tag, icon: n.icon, data: n.data,
                actions: n.actions.map(a => a.action + ':' + a.title),
            }))
            """)).EnumerateArray());
        Assert.Equal(("Your order has shipped", "Order 1042 left the warehouse.", "order-1042", $"{Origin}/icon.png"),
            (shown.Str("title"), shown.Str("body"), shown.Str("tag"), shown.Str("icon")));
        Assert.Equal(["track:Track it"], shown.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("1042", shown.GetProperty("data").GetProperty("data").Str("order"));
        Assert.Single(Events());
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
        var clicked = await EventAsync("clicked");
        Assert.Equal(("0195f1c2-message", "signature-of-the-message", "track"),
            (clicked.Str("m"), clicked.Str("s"), clicked.Str("action")));
        Assert.Equal(0, await page.EvaluateFunctionAsync<int>(
            "async () => (await (await navigator.serviceWorker.ready).getNotifications()).length"));
        Assert.Equal(["displayed", "clicked"], Events().Select(e => e.Str("type")));
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

    private string Page() =>
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Shop</title>"
        + "<link rel=\"icon\" href=\"data:,\">"
        + $"<script src=\"{Server}/public/push/sdk.js\" data-site-key=\"{SiteKey}\" defer></script></head>"
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

    private async Task<JsonElement> EventAsync(string type)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            lock (_events)
            {
                if (_events.FirstOrDefault(e => e.Str("type") == type) is { ValueKind: JsonValueKind.Object } found)
                {
                    return found;
                }
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), $"no \"{type}\" event arrived");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private List<JsonElement> Events()
    {
        lock (_events)
        {
            return [.. _events];
        }
    }

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
