using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Communique.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Communique.Tests.Chat;

// The SMS channel against a loopback server that keeps Twilio's Messages API contract: inbound messages signed as
// Twilio signs them start and carry on conversations, the bot's and agents' words go out as API calls, Twilio's
// refusals are recorded and its busy answers tried again, and a team's settings, key and token stay its own.
public abstract class SmsChannelTests(Provider provider) : IAsyncLifetime
{
    private const string PublicBaseUrl = "https://chat.example.test";
    private const string TeamNumber = "+15550100000";
    private const string Ann = "+15550100001";
    private const string Bob = "+15550100002";

    private FakeTwilio _twilio = null!;
    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _twilio = await FakeTwilio.StartAsync();
        _host = await TestHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Mail:PublicBaseUrl"] = PublicBaseUrl,
            ["Chat:Sms:TwilioBaseUrl"] = _twilio.Url,
            // The host's clock is a fake one that the tests do not move while a message is tried again.
            ["Chat:Sms:RetryDelay"] = "00:00:00",
        });
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    private static readonly object Greeter = new
    {
        start = "hello",
        interactions = new object[]
        {
            new { id = "hello", type = "message", text = "Hello from Acme!", next = "name" },
            new { id = "name", type = "question", text = "What is your name?", variable = "name", next = "bye" },
            new { id = "bye", type = "end", text = "Thanks {{ context.name }}, bye." },
        },
    };

    private static async Task<string> BotAsync(HttpClient admin, CancellationToken ct)
    {
        var project = (await (await admin.PostAsJsonAsync("/projects", new { name = "Support " + Guid.NewGuid() },
            ct)).JsonAsync(HttpStatusCode.Created)).Str("id");
        return (await (await admin.PostAsJsonAsync($"/projects/{project}/communications",
                new { name = "Greeter", channel = "chat", content = Greeter }, ct))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
    }

    // The team's settings with a new bot; the webhook URL they show.
    private static async Task<(string Bot, string WebhookUrl)> SetUpAsync(
        HttpClient admin, string token, CancellationToken ct)
    {
        var bot = await BotAsync(admin, ct);
        var saved = await (await admin.PutAsJsonAsync("/chat/sms", new
        {
            accountSid = FakeTwilio.AccountSid, authToken = token, from = TeamNumber, botId = bot,
        }, ct)).JsonAsync();
        return (bot, saved.Str("webhookUrl"));
    }

    private Task<(string Bot, string WebhookUrl)> SetUpAsync(CancellationToken ct) =>
        SetUpAsync(_admin, FakeTwilio.Token, ct);

    // A text to the team's number; Signature is computed with Token unless given (null: no signature).
    private sealed record Text(string From, string Body)
    {
        public string Sid { get; init; } = NewSid();
        public string? Signature { get; init; } = "";
        public string Token { get; init; } = FakeTwilio.Token;
    }

    private static string NewSid() => "SM" + Guid.NewGuid().ToString("N");

    // What Twilio posts for a text to the team's number, signed as Twilio signs it unless a signature is given.
    private async Task<HttpResponseMessage> InboundAsync(string webhookUrl, Text text, CancellationToken ct)
    {
        var (messageSid, from, body, signature) = (text.Sid, text.From, text.Body, text.Signature);
        var form = new Dictionary<string, string>
        {
            ["ToCountry"] = "US", ["SmsMessageSid"] = messageSid, ["NumMedia"] = "0", ["SmsSid"] = messageSid,
            ["SmsStatus"] = "received", ["Body"] = body, ["To"] = TeamNumber, ["NumSegments"] = "1",
            ["MessageSid"] = messageSid, ["AccountSid"] = FakeTwilio.AccountSid, ["From"] = from,
            ["ApiVersion"] = "2010-04-01",
        };
        using var twilio = _host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(webhookUrl).PathAndQuery)
        {
            Content = new FormUrlEncodedContent(form),
        };
        if (signature is not null)
        {
            request.Headers.Add("X-Twilio-Signature",
                signature.Length > 0 ? signature : Sign(webhookUrl, form, text.Token));
        }

        return await twilio.SendAsync(request, ct);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms",
        Justification = "Twilio's signature is HMAC-SHA1.")]
    private static string Sign(string url, Dictionary<string, string> form, string token)
    {
        var signed = new StringBuilder(url);
        foreach (var (name, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            signed.Append(name).Append(value);
        }

        return Convert.ToBase64String(
            HMACSHA1.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(signed.ToString())));
    }

    private static async Task AssertNoReplyAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("<Response/>", body, StringComparison.Ordinal);
    }

    private static async Task<JsonElement[]> ConversationsAsync(HttpClient client, CancellationToken ct) =>
        [.. (await (await client.GetAsync("/chat/agent/conversations", ct)).JsonAsync())
            .GetProperty("items").EnumerateArray()];

    private async Task<(string Sender, string Text)[]> MessagesAsync(string conversation, CancellationToken ct) =>
        [.. (await (await _admin.GetAsync($"/chat/conversations/{conversation}/messages", ct)).JsonAsync())
            .GetProperty("items").EnumerateArray().Select(m => (m.Str("sender"), m.Str("text")))];

    [Fact(Timeout = 60_000)]
    public async Task A_signed_inbound_sms_starts_a_conversation_whose_replies_go_out_through_twilio()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, url) = await SetUpAsync(ct);
        Assert.StartsWith(PublicBaseUrl + "/public/chat/sms/", url, StringComparison.Ordinal);

        await AssertNoReplyAsync(await InboundAsync(url, new Text(Ann, "Hi"), ct));
        Assert.Equal([new Sms(Ann, TeamNumber, "Hello from Acme!"), new Sms(Ann, TeamNumber, "What is your name?")],
            _twilio.Received);
        var conversation = Assert.Single(await ConversationsAsync(_admin, ct));
        Assert.Equal(("sms", Ann, "active"),
            (conversation.Str("channel"), conversation.Str("externalUserId"), conversation.Str("state")));

        // The next message carries the same conversation on.
        await AssertNoReplyAsync(await InboundAsync(url, new Text(Ann, "Ann Lee"), ct));
        Assert.Equal(new Sms(Ann, TeamNumber, "Thanks Ann Lee, bye."), _twilio.Received[^1]);
        var id = Assert.Single(await ConversationsAsync(_admin, ct)).Str("id");
        Assert.Equal(id, conversation.Str("id"));
        Assert.Equal([("user", "Hi"), ("bot", "Hello from Acme!"), ("bot", "What is your name?"), ("user", "Ann Lee"),
            ("bot", "Thanks Ann Lee, bye.")], await MessagesAsync(id, ct));

        // Once it has ended, the next message starts another.
        await AssertNoReplyAsync(await InboundAsync(url, new Text(Ann, "Hi again"), ct));
        Assert.Equal(2, (await ConversationsAsync(_admin, ct)).Length);
        Assert.Equal(new Sms(Ann, TeamNumber, "What is your name?"), _twilio.Received[^1]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_missing_or_wrong_signature_gets_403_and_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, url) = await SetUpAsync(ct);

        await (await InboundAsync(url, new Text(Ann, "Hi") { Signature = null }, ct))
            .ProblemAsync(HttpStatusCode.Forbidden);
        await (await InboundAsync(url, new Text(Ann, "Hi") { Token = "0123456789abcdef0123456789abcdef" }, ct))
            .ProblemAsync(HttpStatusCode.Forbidden);
        await (await InboundAsync(url, new Text(Ann, "Hi") { Signature = "not base64!" }, ct))
            .ProblemAsync(HttpStatusCode.Forbidden);
        // Twilio requested the public URL; a signature of the URL this server was reached at is not Twilio's.
        var local = "http://localhost" + new Uri(url).PathAndQuery;
        var form = new Dictionary<string, string> { ["From"] = Ann, ["Body"] = "Hi", ["MessageSid"] = NewSid() };
        using (var client = _host.CreateClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url).PathAndQuery)
            {
                Content = new FormUrlEncodedContent(form),
            };
            request.Headers.Add("X-Twilio-Signature", Sign(local, form, FakeTwilio.Token));
            await (await client.SendAsync(request, ct))
                .ProblemAsync(HttpStatusCode.Forbidden);
        }

        Assert.Empty(await ConversationsAsync(_admin, ct));
        Assert.Empty(_twilio.Received);

        // A body over the endpoint's limit is refused before it is read.
        var big = await InboundAsync(url, new Text(Ann, new string('x', 20_000)), ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Empty(await ConversationsAsync(_admin, ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_message_twilio_sends_again_is_handled_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, url) = await SetUpAsync(ct);
        var sid = NewSid();

        await AssertNoReplyAsync(await InboundAsync(url, new Text(Ann, "Hi") { Sid = sid }, ct));
        await AssertNoReplyAsync(await InboundAsync(url, new Text(Ann, "Hi") { Sid = sid }, ct));

        Assert.Equal(2, _twilio.Received.Count);
        var id = Assert.Single(await ConversationsAsync(_admin, ct)).Str("id");
        Assert.Equal(3, (await MessagesAsync(id, ct)).Length);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_conversation_started_through_the_api_texts_first_and_the_reply_carries_it_on()
    {
        var ct = TestContext.Current.CancellationToken;
        var bot = await BotAsync(_admin, ct);
        await (await _admin.PostAsJsonAsync($"/chat/bots/{bot}/conversations",
            new { channel = "sms", externalUserId = Bob }, ct)).ProblemAsync(HttpStatusCode.BadRequest);
        var (_, url) = await SetUpAsync(ct);
        await (await _admin.PostAsJsonAsync($"/chat/bots/{bot}/conversations",
            new { channel = "sms", externalUserId = "bob" }, ct)).ProblemAsync(HttpStatusCode.BadRequest);

        var started = await (await _admin.PostAsJsonAsync($"/chat/bots/{bot}/conversations",
            new { channel = "sms", externalUserId = Bob }, ct)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal([new Sms(Bob, TeamNumber, "Hello from Acme!"), new Sms(Bob, TeamNumber, "What is your name?")],
            _twilio.Received);

        // Bob's answer goes to that conversation, not to a new one with the settings' bot.
        await AssertNoReplyAsync(await InboundAsync(url, new Text(Bob, "Bob"), ct));
        Assert.Equal(new Sms(Bob, TeamNumber, "Thanks Bob, bye."), _twilio.Received[^1]);
        var conversation = Assert.Single(await ConversationsAsync(_admin, ct));
        Assert.Equal((started.GetProperty("conversation").Str("id"), "ended"),
            (conversation.Str("id"), conversation.Str("state")));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_agents_message_on_a_taken_over_sms_conversation_reaches_the_user_by_sms()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, url) = await SetUpAsync(ct);
        await AssertNoReplyAsync(await InboundAsync(url, new Text(Ann, "Hi"), ct));
        var id = Assert.Single(await ConversationsAsync(_admin, ct)).Str("id");

        await (await _admin.PostAsync($"/chat/agent/conversations/{id}/takeover", null, ct)).JsonAsync();
        await (await _admin.PostAsJsonAsync($"/chat/agent/conversations/{id}/messages",
            new { text = "Hi Ann, this is Sam from Acme." }, ct)).JsonAsync();
        Assert.Equal(new Sms(Ann, TeamNumber, "Hi Ann, this is Sam from Acme."), _twilio.Received[^1]);

        // The user's answer waits for the agent; the bot stays silent.
        var before = _twilio.Received.Count;
        await AssertNoReplyAsync(await InboundAsync(url, new Text(Ann, "Thanks Sam"), ct));
        Assert.Equal(before, _twilio.Received.Count);
        Assert.Equal(("user", "Thanks Sam"), (await MessagesAsync(id, ct))[^1]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_number_twilio_refuses_is_recorded_on_the_conversation_and_not_tried_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var (bot, _) = await SetUpAsync(ct);
        const string invalid = "+15005550001";
        _twilio.AnswerNext(400, new
        {
            code = 21211, message = $"The 'To' number {invalid} is not a valid phone number.",
            more_info = "https://www.twilio.com/docs/errors/21211", status = 400,
        });

        var started = await (await _admin.PostAsJsonAsync($"/chat/bots/{bot}/conversations",
            new { channel = "sms", externalUserId = invalid }, ct)).JsonAsync(HttpStatusCode.Created);

        // One call: not tried again, and the turn's second message not sent to the same number.
        Assert.Equal(1, _twilio.Calls);
        Assert.Empty(_twilio.Received);
        var recorded = (await MessagesAsync(started.GetProperty("conversation").Str("id"), ct))[^1];
        Assert.Equal("system", recorded.Sender);
        Assert.Contains("21211", recorded.Text, StringComparison.Ordinal);
        Assert.Contains("2 messages not sent", recorded.Text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_busy_twilio_is_tried_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var (bot, _) = await SetUpAsync(ct);
        _twilio.AnswerNext(503, new { code = 20503, message = "Service Unavailable", status = 503 });
        _twilio.AnswerNext(429, new { code = 20429, message = "Too Many Requests", status = 429 });

        var started = await (await _admin.PostAsJsonAsync($"/chat/bots/{bot}/conversations",
            new { channel = "sms", externalUserId = Bob }, ct)).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(4, _twilio.Calls);
        Assert.Equal([new Sms(Bob, TeamNumber, "Hello from Acme!"), new Sms(Bob, TeamNumber, "What is your name?")],
            _twilio.Received);
        Assert.DoesNotContain(await MessagesAsync(started.GetProperty("conversation").Str("id"), ct),
            m => m.Sender == "system");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_teams_settings_and_key_are_its_own_and_its_token_is_never_shown()
    {
        var ct = TestContext.Current.CancellationToken;
        await (await _admin.GetAsync("/chat/sms", ct)).ProblemAsync(HttpStatusCode.NotFound);
        var (bot, url) = await SetUpAsync(ct);
        var shown = await (await _admin.GetAsync("/chat/sms", ct)).Content.ReadAsStringAsync();
        Assert.DoesNotContain(FakeTwilio.Token, shown, StringComparison.Ordinal);
        var settings = JsonDocument.Parse(shown).RootElement;
        Assert.Equal((true, FakeTwilio.Token[^4..], url),
            (settings.GetProperty("authTokenSet").GetBoolean(), settings.Str("authTokenEnding"),
                settings.Str("webhookUrl")));

        // Saved again without the token, the token is kept: Twilio's signatures still match.
        var kept = await (await _admin.PutAsJsonAsync("/chat/sms", new
        {
            accountSid = FakeTwilio.AccountSid, from = TeamNumber, botId = bot,
        }, ct)).Content.ReadAsStringAsync();
        Assert.DoesNotContain(FakeTwilio.Token, kept, StringComparison.Ordinal);
        await AssertNoReplyAsync(await InboundAsync(url, new Text(Ann, "Hi"), ct));
        await (await _admin.PutAsJsonAsync("/chat/sms", new
        {
            accountSid = "AC123", authToken = "short", from = "5550100", botId = bot,
        }, ct)).ProblemAsync(HttpStatusCode.BadRequest);

        // Another team sees none of it, cannot name Acme's bot, and its own token does not sign for Acme's key.
        var other = await _host.CreateAccountAsync("Other Corp");
        using var theirs = await other.AdminAsync();
        await (await theirs.GetAsync("/chat/sms", ct)).ProblemAsync(HttpStatusCode.NotFound);
        await (await theirs.DeleteAsync("/chat/sms", ct)).ProblemAsync(HttpStatusCode.NotFound);
        await (await theirs.PutAsJsonAsync("/chat/sms", new
        {
            accountSid = FakeTwilio.AccountSid, authToken = "feedfacefeedfacefeedfacefeedface", from = TeamNumber,
            botId = bot,
        }, ct)).ProblemAsync(HttpStatusCode.BadRequest);
        var (_, theirUrl) = await SetUpAsync(theirs, "feedfacefeedfacefeedfacefeedface", ct);
        Assert.NotEqual(url, theirUrl);
        await (await InboundAsync(url, new Text(Bob, "Hi") { Token = "feedfacefeedfacefeedfacefeedface" }, ct))
            .ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Empty(await ConversationsAsync(theirs, ct));
        await (await InboundAsync(PublicBaseUrl + "/public/chat/sms/" + new string('A', 43), new Text(Ann, "Hi"), ct))
            .ProblemAsync(HttpStatusCode.NotFound);

        // Only administrators see the settings.
        var live = await (await _admin.PostAsJsonAsync("/credentials",
                new { name = "agent", role = "live-takeover" }, ct)).JsonAsync(HttpStatusCode.Created);
        using var agent = _host.ClientFor(
            await _host.AuthenticateAsync(live.Str("clientId"), live.Str("secret"), _acme.CustomerId),
            _acme.CustomerId);
        await (await agent.GetAsync("/chat/sms", ct)).ProblemAsync(HttpStatusCode.Forbidden);

        // Removed settings close the webhook.
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/chat/sms", ct)).StatusCode);
        await (await InboundAsync(url, new Text(Ann, "Hi"), ct)).ProblemAsync(HttpStatusCode.NotFound);
    }

    private sealed record Sms(string To, string From, string Body);

    // Twilio's Messages API on loopback: POST /2010-04-01/Accounts/{AccountSid}/Messages.json with Basic auth
    // (AccountSid:AuthToken) and the form fields To, From and Body; 201 with a Message resource, or the answers a test
    // queued (Twilio's error JSON).
    private sealed class FakeTwilio : IAsyncDisposable
    {
        public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
        public const string Token = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

        private readonly WebApplication _app;
        private readonly Queue<(int Status, object Body)> _answers = new();
        private readonly List<Sms> _received = [];
        private int _calls;

        private FakeTwilio(WebApplication app) => _app = app;

        public string Url => _app.Services.GetRequiredService<IServer>().Features
            .Get<IServerAddressesFeature>()!.Addresses.First();

        // Every authenticated call, accepted or not.
        public int Calls => Volatile.Read(ref _calls);

        // The messages accepted, in order.
        public IReadOnlyList<Sms> Received
        {
            get
            {
                lock (_received)
                {
                    return [.. _received];
                }
            }
        }

        public void AnswerNext(int status, object body)
        {
            lock (_answers)
            {
                _answers.Enqueue((status, body));
            }
        }

        public static async Task<FakeTwilio> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var twilio = new FakeTwilio(app);
            app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", twilio.MessageAsync);
            await app.StartAsync();
            return twilio;
        }

        private async Task<IResult> MessageAsync(string account, HttpContext context)
        {
            var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{Token}"));
            if (account != AccountSid || context.Request.Headers.Authorization != basic)
            {
                return Results.Json(new { code = 20003, message = "Authenticate", status = 401 }, statusCode: 401);
            }

            Interlocked.Increment(ref _calls);
            var form = await context.Request.ReadFormAsync();
            var (to, from, body) = (form["To"].ToString(), form["From"].ToString(), form["Body"].ToString());
            if (to.Length == 0 || from.Length == 0 || body.Length == 0 || body.Length > 1600)
            {
                return Results.Json(new { code = 21602, message = "Message body is required.", status = 400 },
                    statusCode: 400);
            }

            lock (_answers)
            {
                if (_answers.TryDequeue(out var answer))
                {
                    return Results.Json(answer.Body, statusCode: answer.Status);
                }
            }

            lock (_received)
            {
                _received.Add(new Sms(to, from, body));
            }

            return Results.Json(new
            {
                sid = "SM" + Guid.NewGuid().ToString("N"), account_sid = AccountSid, to, from, body,
                status = "queued", num_segments = "1", direction = "outbound-api", api_version = "2010-04-01",
            }, statusCode: 201);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

public sealed class SmsChannelOnSqlite() : SmsChannelTests(Provider.Sqlite);

public sealed class SmsChannelOnPostgres() : SmsChannelTests(Provider.Postgres);
