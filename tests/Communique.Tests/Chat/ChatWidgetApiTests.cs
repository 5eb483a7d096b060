using System.Net;
using System.Text.Json;
using Communique.Tests.Infrastructure;

namespace Communique.Tests.Chat;

// What a web page's widget does without an account: a widget's look by its key, a conversation started with the
// widget's bot and continued with its token, the events streamed as they happen (the agent's messages and typing
// included), and the agents' own stream; another conversation's token, a deleted widget and a foreign origin get
// nothing. The widget's own script is served to any page.
public abstract class ChatWidgetApiTests(Provider provider) : IAsyncLifetime
{
    private static readonly string[] ShopOrigin = ["https://shop.example"];
    private static readonly string[] NotAnOrigin = ["x"];

    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;
    private HttpClient _public = null!;
    private string _bot = "";

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Chat:MaxAttachmentBytes"] = "100000",
        });
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
        _public = _host.CreateClient();
        var project = (await (await _admin.PostJsonAsync("/projects", new { name = "Support" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        _bot = (await (await _admin.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Help", channel = "chat",
            content = new
            {
                start = "ask",
                interactions = new object[]
                {
                    new { id = "ask", type = "question", text = "Your name?", variable = "name", next = "agent" },
                    new { id = "agent", type = "agent", text = "Thanks {{ context.name }}, an agent is coming." },
                },
            },
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        _public.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<JsonElement> WidgetAsync(object? body = null) =>
        await (await _admin.PostJsonAsync($"/chat/bots/{_bot}/widgets", body ?? new { title = "Help" }))
            .JsonAsync(HttpStatusCode.Created);

    private async Task<JsonElement> StartAsync(string key) =>
        await (await _public.PostJsonAsync($"/public/chat/widgets/{key}/conversations", new { }))
            .JsonAsync(HttpStatusCode.Created);

    private Task<HttpResponseMessage> SayAsync(string id, string? token, string text)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/public/chat/conversations/{id}/messages")
        {
            Content = JsonContent(new { text }),
        };
        if (token is not null)
        {
            request.Headers.Add("X-Chat-Token", token);
        }

        return _public.SendAsync(request);
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_page_chats_with_its_token_and_streams_the_agents_messages()
    {
        var widget = await WidgetAsync(
            new { title = "Help", colour = "#AA3300", avatarUrl = "https://x.example/a.png" });
        var key = widget.Str("key");
        Assert.Contains($"data-widget=\"{key}\"", widget.Str("scriptTag"), StringComparison.Ordinal);
        Assert.Contains("/public/chat/widget.js", widget.Str("scriptTag"), StringComparison.Ordinal);
        var look = await (await _public.GetAsync($"/public/chat/widgets/{key}")).JsonAsync();
        Assert.Equal(("Help", "#aa3300"), (look.Str("title"), look.Str("colour")));

        var started = await StartAsync(key);
        var id = started.GetProperty("conversation").Str("id");
        var token = started.Str("token");
        Assert.Equal("widget", started.GetProperty("conversation").Str("channel"));
        Assert.Equal("Your name?", started.GetProperty("messages")[0].Str("text"));

        // Without the token, or with another conversation's, the conversation does not exist.
        await (await SayAsync(id, null, "Ann")).ProblemAsync(HttpStatusCode.NotFound);
        var other = await StartAsync(key);
        await (await SayAsync(id, other.Str("token"), "Ann")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _public.GetAsync($"/public/chat/conversations/{id}/messages?token={other.Str("token")}"))
            .ProblemAsync(HttpStatusCode.NotFound);

        using var agent = await AgentAsync();
        using var agentStream = await EventStream.OpenAsync(agent, "/chat/agent/events");
        using var stream = await EventStream.OpenAsync(
            _public, $"/public/chat/conversations/{id}/events?token={token}");
        Assert.Equal("Your name?", (await stream.NextAsync("message")).Str("text"));

        var handed = await (await SayAsync(id, token, "Ann")).JsonAsync();
        Assert.Equal("awaiting-agent", handed.GetProperty("conversation").Str("state"));
        Assert.Equal("Ann", (await stream.NextAsync("message")).Str("text"));
        Assert.Equal("Thanks Ann, an agent is coming.", (await stream.NextAsync("message")).Str("text"));
        Assert.Equal("awaiting-agent", (await stream.NextAsync("state")).Str("state"));
        var waiting = await agentStream.NextAsync("state");
        Assert.Equal((id, "awaiting-agent"), (waiting.Str("conversationId"), waiting.Str("state")));

        await (await agent.PostAsync($"/chat/agent/conversations/{id}/takeover", null)).JsonAsync();
        Assert.Equal("taken-over", (await stream.NextAsync("state")).Str("state"));
        (await agent.PostAsync($"/chat/agent/conversations/{id}/typing", null)).EnsureSuccessStatusCode();
        Assert.Equal("agent", (await stream.NextAsync("typing")).Str("typing"));
        await (await agent.PostJsonAsync($"/chat/agent/conversations/{id}/messages", new { text = "Hello Ann" }))
            .JsonAsync();
        var fromAgent = await stream.NextAsync("message");
        Assert.Equal(("agent", "Hello Ann"), (fromAgent.Str("sender"), fromAgent.Str("text")));

        // The user's typing and words reach the agent's stream.
        var typing = new HttpRequestMessage(HttpMethod.Post, $"/public/chat/conversations/{id}/typing");
        typing.Headers.Add("X-Chat-Token", token);
        (await _public.SendAsync(typing)).EnsureSuccessStatusCode();
        Assert.Equal("user", (await agentStream.NextAsync("typing")).Str("typing"));
        await (await SayAsync(id, token, "Thanks")).JsonAsync();
        var words = await agentStream.NextAsync("message", m => m.Str("sender") == "user");
        Assert.Equal(("Thanks", 5), (words.Str("text"), words.GetProperty("sequence").GetInt32()));

        // A stream reopened after the fourth message starts at the fifth.
        using var again = await EventStream.OpenAsync(_public,
            $"/public/chat/conversations/{id}/events?token={token}&after=4");
        Assert.Equal(5, (await again.NextAsync("message")).GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Files_go_both_ways_as_downloads_for_a_day()
    {
        var started = await StartAsync((await WidgetAsync()).Str("key"));
        var (id, token) = (started.GetProperty("conversation").Str("id"), started.Str("token"));
        await (await SayAsync(id, token, "Ann")).JsonAsync();
        using var agent = await AgentAsync();
        await (await agent.PostAsync($"/chat/agent/conversations/{id}/takeover", null)).JsonAsync();

        // The agent's file, with a line of text, reaches the page as a message naming it.
        var invoice = "%PDF-1.7 an invoice"u8.ToArray();
        var sent = await (await agent.PostAsync($"/chat/agent/conversations/{id}/attachments",
            Form(invoice, "invoice 42.pdf", "application/pdf", "Here is your invoice."))).JsonAsync();
        var message = sent.GetProperty("messages")[0];
        Assert.Equal(("agent", "Here is your invoice."), (message.Str("sender"), message.Str("text")));
        var file = message.GetProperty("attachment");
        Assert.Equal(("invoice 42.pdf", "application/pdf", invoice.Length),
            (file.Str("name"), file.Str("contentType"), file.GetProperty("size").GetInt32()));
        var path = $"/public/chat/conversations/{id}/attachments/{file.Str("id")}";
        var download = await _public.GetAsync($"{path}?token={token}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(invoice, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        var other = await StartAsync((await WidgetAsync()).Str("key"));
        await (await _public.GetAsync($"{path}?token={other.Str("token")}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _public.GetAsync($"/public/chat/conversations/{other.GetProperty("conversation").Str("id")}"
            + $"/attachments/{file.Str("id")}?token={other.Str("token")}")).ProblemAsync(HttpStatusCode.NotFound);

        // The user's file from the page reaches the agent; one over the limit is refused whole.
        var upload = new HttpRequestMessage(HttpMethod.Post, $"/public/chat/conversations/{id}/attachments")
        {
            Content = Form("<svg onload=alert(1)>"u8.ToArray(), "photo.svg", "image/svg+xml", null),
        };
        upload.Headers.Add("X-Chat-Token", token);
        var fromUser = (await (await _public.SendAsync(upload)).JsonAsync()).GetProperty("messages")[0];
        Assert.Equal("user", fromUser.Str("sender"));
        var userFile = await agent.GetAsync(
            $"/chat/agent/conversations/{id}/attachments/{fromUser.GetProperty("attachment").Str("id")}");
        Assert.Equal("attachment", userFile.Content.Headers.ContentDisposition?.DispositionType);
        var tooLarge = await agent.PostAsync($"/chat/agent/conversations/{id}/attachments",
            Form(new byte[200_000], "big.bin", "application/octet-stream", null));
        await tooLarge.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        // A day later the files are gone.
        _host.Clock.Advance(TimeSpan.FromHours(25));
        await _host.Service<Communique.Chat.ChatSweep>().SweepAsync(CancellationToken.None);
        await (await _public.GetAsync($"{path}?token={token}")).ProblemAsync(HttpStatusCode.Gone);
    }

    private static MultipartFormDataContent Form(byte[] bytes, string name, string contentType, string? text)
    {
        var form = new MultipartFormDataContent();
        if (text is not null)
        {
            form.Add(new StringContent(text), "text");
        }

        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        form.Add(file, "file", name);
        return form;
    }

    [Fact]
    public async Task A_widget_answers_its_own_origins_and_nothing_once_deleted()
    {
        var widget = await WidgetAsync(new { title = "Shop", allowedOrigins = ShopOrigin });
        var key = widget.Str("key");
        var page = new HttpRequestMessage(HttpMethod.Post, $"/public/chat/widgets/{key}/conversations")
        {
            Content = JsonContent(new { }),
        };
        page.Headers.Add("Origin", "https://shop.example");
        var started = await _public.SendAsync(page);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        Assert.Equal("*", started.Headers.GetValues("Access-Control-Allow-Origin").Single());

        var elsewhere = new HttpRequestMessage(HttpMethod.Get, $"/public/chat/widgets/{key}");
        elsewhere.Headers.Add("Origin", "https://evil.example");
        await (await _public.SendAsync(elsewhere)).ProblemAsync(HttpStatusCode.NotFound);

        var preflight = new HttpRequestMessage(HttpMethod.Options, $"/public/chat/widgets/{key}/conversations");
        preflight.Headers.Add("Origin", "https://shop.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,x-chat-token");
        var allowed = await _public.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Contains("x-chat-token", string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Headers")),
            StringComparison.OrdinalIgnoreCase);

        var listed = await (await _admin.GetAsync($"/chat/bots/{_bot}/widgets")).JsonAsync();
        Assert.Equal(key, Assert.Single(listed.EnumerateArray()).Str("key"));
        (await _admin.DeleteAsync($"/chat/widgets/{widget.Str("id")}")).EnsureSuccessStatusCode();
        await (await _public.GetAsync($"/public/chat/widgets/{key}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await _public.PostJsonAsync($"/public/chat/widgets/{key}/conversations", new { }))
            .ProblemAsync(HttpStatusCode.NotFound);
        await (await _public.GetAsync("/public/chat/widgets/short")).ProblemAsync(HttpStatusCode.NotFound);

        await (await _admin.PostJsonAsync($"/chat/bots/{_bot}/widgets", new { colour = "red" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostJsonAsync($"/chat/bots/{_bot}/widgets", new { allowedOrigins = NotAnOrigin }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var other = await (await _host.CreateAccountAsync("Other Corp")).AdminAsync();
        await (await other.PostJsonAsync($"/chat/bots/{_bot}/widgets", new { })).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/chat/bots/{_bot}/widgets")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_widgets_script_is_served_to_any_page_and_revalidated_by_its_etag()
    {
        var script = await _public.GetAsync("/public/chat/widget.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript; charset=utf-8", script.Content.Headers.ContentType?.ToString());
        Assert.Equal("public, max-age=300", script.Headers.CacheControl?.ToString());
        Assert.Equal("*", script.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("attachShadow", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var again = new HttpRequestMessage(HttpMethod.Get, "/public/chat/widget.js");
        again.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await _public.SendAsync(again)).StatusCode);
    }

    private async Task<HttpClient> AgentAsync()
    {
        var live = await (await _admin.PostJsonAsync("/credentials", new { name = "agent", role = "live-takeover" }))
            .JsonAsync(HttpStatusCode.Created);
        return _host.ClientFor(
            await _host.AuthenticateAsync(live.Str("clientId"), live.Str("secret"), _acme.CustomerId),
            _acme.CustomerId);
    }
}

// A server-sent event stream read as a browser's EventSource reads it: events of a type, pings skipped.
internal sealed class EventStream : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public static async Task<EventStream> OpenAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    // The next event of the kind (that `where` accepts), within a few seconds; others before it are skipped.
    public async Task<JsonElement> NextAsync(string kind, Func<JsonElement, bool>? where = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? type = null;
        while (true)
        {
            var line = await _reader.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException("The stream ended.");
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && type == kind)
            {
                var data = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                if (where?.Invoke(data) ?? true)
                {
                    return data;
                }
            }
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}

public sealed class ChatWidgetApiOnSqlite() : ChatWidgetApiTests(Provider.Sqlite);

public sealed class ChatWidgetApiOnPostgres() : ChatWidgetApiTests(Provider.Postgres);
