using System.Net;
using System.Text;
using System.Text.Json;
using Communique.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PuppeteerSharp;
using PuppeteerSharp.Input;

namespace Communique.Tests.Chat;

// The web chat widget as a visitor uses it: the real server program (its worker trains the NLU model), a shop's page
// on another origin holding nothing but some text and the widget's tag, and Debian's chromium, headless, driven by
// the keyboard through a bot that asks, calls the shop's order service, routes a sentence by its intent and hands
// over to an agent, whose answer arrives while the page is open and is still there after a reload.
[Collection(nameof(Browsers))]
public sealed class ChatWidgetBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    // Optional chaining, so that a wait which begins before the widget has drawn itself waits: a predicate that throws
    // stops puppeteer's poller for good, and the wait then runs into its timeout.
    private const string Widget = "document.querySelector('communique-chat')?.shadowRoot";
    private static readonly string[] Loopback = ["127.0.0.1/32"];

    private readonly string _data = Directory.CreateTempSubdirectory("communique-widget-").FullName;
    private readonly Dictionary<string, string> _environment;
    private readonly List<string> _orders = [];
    private readonly List<string> _pageErrors = [];
    private WebApplication _orderService = null!;
    private WebApplication _shop = null!;
    private string _page = "";

    public ChatWidgetBrowserTests() => _environment = new Dictionary<string, string>
    {
        ["Storage__DataDirectory"] = _data,
        ["Communique__Role"] = "Both",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Auth__TeamRequestsPerWindow"] = "100000000",
    };

    public async ValueTask InitializeAsync()
    {
        _orderService = await LoopbackAsync(app => app.MapGet("/orders/{number}", (string number) =>
        {
            lock (_orders)
            {
                _orders.Add(number);
            }

            return Results.Json(new { order = new { number, status = "shipped" } });
        }));
        _shop = await LoopbackAsync(app => app.MapGet("/", () => Results.Content(_page, "text/html; charset=utf-8")));
    }

    public async ValueTask DisposeAsync()
    {
        await _shop.DisposeAsync();
        await _orderService.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_visitor_chats_through_the_widget_on_a_shops_page_and_an_agents_answer_stays_after_a_reload()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        var account = await ServerProcess.CreateAccountAsync(_environment);
        await using var server = await ServerProcess.StartAsync(_environment, Path.Combine(_data, "server.log"));
        using var api = await server.ClientAsync(account);

        var model = await TrainedModelAsync(api);
        await (await api.PutAsync("/chat/settings", JsonContent(new { allowedNetworks = Loopback }))).JsonAsync();
        var project = (await (await api.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var bot = (await (await api.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Shop help", channel = "chat", content = Flow(model, Address(_orderService)),
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
        var widget = await (await api.PostJsonAsync($"/chat/bots/{bot}/widgets",
            new { title = "Shop help", colour = "#1a4d8f" })).JsonAsync(HttpStatusCode.Created);
        _page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Shop</title>"
            + "<link rel=\"icon\" href=\"data:,\"></head><body><h1>Shop</h1><p>Boxes of every size.</p>"
            + widget.Str("scriptTag") + "</body></html>";

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Chromium, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        await using var page = await browser.NewPageAsync();
        page.DefaultTimeout = 15_000;
        page.PageError += (_, e) => _pageErrors.Add(e.Message);
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
            {
                _pageErrors.Add(e.Message.Text);
            }
        };
        // Requests that failed or were refused, so that a widget that never shows says why (a stream a reload cuts
        // fails too, which is why these are kept apart from the page's errors).
        var requests = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.RequestFailed += (_, e) => requests.Enqueue($"{e.Request.Url} failed: {e.Request.FailureText}");
        page.Response += (_, e) =>
        {
            if ((int)e.Response.Status >= 400)
            {
                requests.Enqueue($"{e.Response.Url} answered {(int)e.Response.Status}");
            }
        };
        Assert.Equal(HttpStatusCode.OK, (await page.GoToAsync(Address(_shop))).Status);
        try
        {
            // The first page of a freshly started server can wait on its cold start: longer than the other waits.
            await page.WaitForFunctionAsync($"() => {Widget}.querySelector('.launcher') != null",
                new WaitForFunctionOptions { Timeout = 45_000 });
        }
        catch (WaitTaskTimeoutException)
        {
            var log = await File.ReadAllTextAsync(Path.Combine(_data, "server.log"));
            Assert.Fail($"The widget's launcher did not appear. Page: {string.Join("; ", _pageErrors)}. Requests: "
                + $"{string.Join("; ", requests)}. "
                + $"Server log's end: {log[Math.Max(0, log.Length - 4000)..]}");
        }

        // The launcher is the page's first stop for the keyboard, a real button with a name, and opens a named
        // dialog whose text field takes the focus.
        Assert.Equal(("BUTTON", "Chat with Shop help", "false"), (await ReadAsync<string>(".launcher", "tagName"),
            await ReadAsync<string>(".launcher", "getAttribute('aria-label')"),
            await ReadAsync<string>(".launcher", "getAttribute('aria-expanded')")));
        await page.Keyboard.PressAsync(Key.Tab);
        Assert.True(await page.EvaluateExpressionAsync<bool>(
            $"{Widget}.activeElement === {Widget}.querySelector('.launcher')"));
        await page.Keyboard.PressAsync(Key.Enter);
        Assert.Equal(("dialog", "Shop help"), (await ReadAsync<string>(".panel", "getAttribute('role')"),
            await ReadAsync<string>(".panel", "getAttribute('aria-label')")));
        Assert.Equal(("log", "polite"), (await ReadAsync<string>(".log", "getAttribute('role')"),
            await ReadAsync<string>(".log", "getAttribute('aria-live')")));
        Assert.True(await page.EvaluateExpressionAsync<bool>($"{Widget}.activeElement?.id === 'text'"));
        Assert.Equal("Message", await ReadAsync<string>("label[for=text]", "textContent"));

        await SeesAsync(page, "What is your order number?");
        await page.Keyboard.TypeAsync("1042");
        await page.Keyboard.PressAsync(Key.Enter);
        await SeesAsync(page, "Order 1042 is shipped.");
        Assert.Equal(["1042"], _orders);
        // A button with an address opens it in a new tab that cannot reach back to the page.
        Assert.Equal(("Track it", "_blank", "noopener noreferrer"), (
            await ReadAsync<string>(".buttons a[href='https://track.example/orders']", "textContent"),
            await ReadAsync<string>(".buttons a[href='https://track.example/orders']", "target"),
            await ReadAsync<string>(".buttons a[href='https://track.example/orders']", "rel")));

        await SeesAsync(page, "What else can I do for you?");
        await page.Keyboard.TypeAsync("will it rain in paris this weekend");
        await page.Keyboard.PressAsync(Key.Enter);
        await SeesAsync(page, "Take an umbrella to be safe.");
        await SeesAsync(page, "Let me find a person who can help.");

        var agentCredential = await (await api.PostJsonAsync("/credentials",
            new { name = "Sam", role = "live-takeover" })).JsonAsync(HttpStatusCode.Created);
        using var agent = await server.ClientAsync(new Dictionary<string, string>
        {
            ["COMMUNIQUE_CLIENT_ID"] = agentCredential.Str("clientId"),
            ["COMMUNIQUE_CLIENT_SECRET"] = agentCredential.Str("secret"),
            ["COMMUNIQUE_CUSTOMER_ID"] = account["COMMUNIQUE_CUSTOMER_ID"],
        });
        var waiting = await (await agent.GetAsync("/chat/agent/conversations?state=awaiting-agent")).JsonAsync();
        var conversation = Assert.Single(waiting.GetProperty("items").EnumerateArray()).Str("id");
        await (await agent.PostAsync($"/chat/agent/conversations/{conversation}/takeover", null)).JsonAsync();
        await page.WaitForFunctionAsync(
            $"() => {Widget}.querySelector('.log .system')?.textContent === 'An agent has joined the conversation.'");
        (await agent.PostAsync($"/chat/agent/conversations/{conversation}/typing", null)).EnsureSuccessStatusCode();
        await page.WaitForFunctionAsync($"() => !{Widget}.querySelector('.typing').hidden");
        await (await agent.PostJsonAsync($"/chat/agent/conversations/{conversation}/messages",
            new { text = "Hello, this is Sam from the shop." })).JsonAsync();
        await SeesAsync(page, "Hello, this is Sam from the shop.");
        Assert.Equal("Agent (a person)", await ReadAsync<string>(".log li.agent .who", "textContent"));
        Assert.True(await ReadAsync<bool>(".typing", "hidden"));

        // Escape closes the dialog and gives the focus back to the launcher.
        await page.Keyboard.PressAsync(Key.Escape);
        Assert.True(await ReadAsync<bool>(".panel", "hidden"));
        Assert.True(await page.EvaluateExpressionAsync<bool>(
            $"{Widget}.activeElement === {Widget}.querySelector('.launcher')"));

        // After a reload the same conversation is there, history included, and goes on.
        await page.ReloadAsync();
        await page.WaitForFunctionAsync($"() => {Widget}.querySelector('.launcher') != null");
        Assert.Contains(conversation, await page.EvaluateExpressionAsync<string>(
            $"localStorage.getItem('communique-chat:{widget.Str("key")}')"), StringComparison.Ordinal);
        await page.EvaluateExpressionAsync($"{Widget}.querySelector('.launcher').click()");
        await SeesAsync(page, "Hello, this is Sam from the shop.");
        await SeesAsync(page, "Order 1042 is shipped.");
        await page.Keyboard.TypeAsync("Thanks, Sam");
        await page.Keyboard.PressAsync(Key.Enter);
        await SeesAsync(page, "Thanks, Sam");
        var messages = await (await agent.GetAsync($"/chat/agent/conversations/{conversation}/messages"))
            .JsonAsync();
        Assert.Equal("Thanks, Sam", messages.GetProperty("items").EnumerateArray().Last().Str("text"));
        var all = await (await agent.GetAsync("/chat/agent/conversations")).JsonAsync();
        Assert.Single(all.GetProperty("items").EnumerateArray());
        // Each message once, though the answers and the stream both bring them.
        Assert.Equal((1, 3), (await ReadAsync<int>(".log", "querySelectorAll('li.agent').length"),
            await ReadAsync<int>(".log", "querySelectorAll('li.user').length")));
        Assert.Empty(_pageErrors);

        // A property of the first element of the widget's that the selector finds.
        Task<T> ReadAsync<T>(string selector, string property) =>
            page.EvaluateExpressionAsync<T>($"{Widget}.querySelector(\"{selector}\").{property}");
    }

    // Waits until the widget shows a message with the text that the server has (one with its sequence number, not
    // the user's own words on their way).
    private static Task SeesAsync(IPage page, string text) => page.WaitForFunctionAsync(
        "text => [...document.querySelector('communique-chat')?.shadowRoot.querySelectorAll('.log > li[data-sequence]')"
            + " ?? []].some(li => li.textContent.includes(text))",
        new WaitForFunctionOptions(), text);

    // An NLU model of the CLINC150 sample the NLU tests use, trained by the server's worker and activated.
    private static async Task<string> TrainedModelAsync(HttpClient api)
    {
        var model = (await (await api.PostJsonAsync("/nlu/models", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var sample = await File.ReadAllTextAsync(
            Path.Combine(AppContext.BaseDirectory, "Nlu", "Data", "clinc150-sample.csv"));
        await (await api.PostAsync($"/nlu/models/{model}/import", new StringContent(sample, Encoding.UTF8,
            "text/csv"))).JsonAsync();
        var number = (await (await api.PostAsync($"/nlu/models/{model}/versions", null))
            .JsonAsync(HttpStatusCode.Accepted)).GetProperty("number").GetInt32();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((await (await api.GetAsync($"/nlu/models/{model}/versions/{number}")).JsonAsync()).Str("state")
            is var state && state != "ready")
        {
            Assert.True(state == "training" && waited.Elapsed < TimeSpan.FromSeconds(60), $"the version is {state}");
            await Task.Delay(200);
        }

        await (await api.PostAsync($"/nlu/models/{model}/versions/{number}/activate", null)).JsonAsync();
        return model;
    }

    private static object Flow(string model, string orderService) => new
    {
        start = "hello", nluModelId = model,
        interactions = new object[]
        {
            new { id = "hello", type = "message", text = "Hello! I am the shop's assistant.", next = "order" },
            new
            {
                id = "order", type = "question", text = "What is your order number?", expect = "number",
                variable = "orderNumber", next = "lookup",
            },
            new
            {
                id = "lookup", type = "rest", method = "GET", url = orderService + "/orders/{{ context.orderNumber }}",
                select = "order.status", variable = "status", timeoutSeconds = 5, onError = "unknown",
                next = "found",
            },
            new
            {
                id = "found", type = "message", text = "Order {{ context.orderNumber }} is {{ context.status }}.",
                buttons = new[]
                {
                    new { label = "Track it", url = "https://track.example/orders" },
                },
                next = "help",
            },
            new
            {
                id = "unknown", type = "message", text = "Order {{ context.orderNumber }} was not found.",
                next = "help",
            },
            new
            {
                id = "help", type = "intent", text = "What else can I do for you?", fallback = "person",
                routes = new[] { new { intent = "weather", next = "forecast" }, new { intent = "balance",
                    next = "balance" } },
            },
            new { id = "forecast", type = "message", text = "Take an umbrella to be safe.", next = "person" },
            new { id = "balance", type = "message", text = "Your balance is in your account.", next = "person" },
            new { id = "person", type = "agent", text = "Let me find a person who can help.", next = "help" },
        },
    };

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static string Address(WebApplication app) => app.Services.GetRequiredService<IServer>().Features
        .Get<IServerAddressesFeature>()!.Addresses.First();

    // A small Kestrel server on its own loopback port: another origin than the Communique server's.
    private static async Task<WebApplication> LoopbackAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }
}
