using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Communique.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Communique.Tests.Chat;

// The chat channel through its REST channel and the live-takeover API: flows checked at save, conversations that
// ask, check, compute and call out, fallbacks that hand over to an agent, and teams kept apart.
public abstract class ChatTests(Provider provider) : IAsyncLifetime
{
    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;
    private string _project = "";

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync(provider);
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
        _project = (await (await _admin.PostJsonAsync("/projects", new { name = "Support" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    private Task<HttpResponseMessage> CreateBotAsync(object flow, HttpClient? client = null, string? project = null) =>
        (client ?? _admin).PostJsonAsync($"/projects/{project ?? _project}/communications", new
        {
            name = "Bot " + Guid.NewGuid().ToString("N")[..8], channel = "chat", content = flow,
        });

    private async Task<string> BotAsync(object flow) =>
        (await (await CreateBotAsync(flow)).JsonAsync(HttpStatusCode.Created)).Str("id");

    private async Task<JsonElement> StartAsync(string bot, object? body = null, HttpClient? client = null) =>
        await (await (client ?? _admin).PostJsonAsync($"/chat/bots/{bot}/conversations", body ?? new { }))
            .JsonAsync(HttpStatusCode.Created);

    private async Task<JsonElement> SayAsync(string conversation, string text, HttpClient? client = null) =>
        await (await (client ?? _admin).PostJsonAsync($"/chat/conversations/{conversation}/messages", new { text }))
            .JsonAsync();

    private static string[] Texts(JsonElement turn, string sender = "bot") =>
        [.. turn.GetProperty("messages").EnumerateArray().Where(m => m.Str("sender") == sender)
            .Select(m => m.Str("text"))];

    private static string State(JsonElement turn) => turn.GetProperty("conversation").Str("state");

    private static string Id(JsonElement turn) => turn.GetProperty("conversation").Str("id");

    private async Task<HttpClient> AgentAsync(TestAccount account, HttpClient admin)
    {
        var live = await (await admin.PostJsonAsync("/credentials", new { name = "agent", role = "live-takeover" }))
            .JsonAsync(HttpStatusCode.Created);
        return _host.ClientFor(
            await _host.AuthenticateAsync(live.Str("clientId"), live.Str("secret"), account.CustomerId),
            account.CustomerId);
    }

    private static readonly string[] Sizes = ["Small", "Large"];
    private static readonly string[] CitySynonyms = ["NYC", "big apple"];
    private static readonly string[] SharedCity = ["city"];
    private static readonly string[] Loopback = ["127.0.0.1/32"];
    private static readonly string[] NotANetwork = ["not a network"];

    private static readonly object Order = new
    {
        start = "hello",
        variables = new[] { "note" },
        interactions = new object[]
        {
            new { id = "hello", type = "message", text = "Hello {{ properCase(user.firstName) }}!", next = "email" },
            new
            {
                id = "email", type = "question", text = "What is your e-mail address?", expect = "email",
                variable = "email", retryText = "That does not look like an e-mail address.", next = "count",
            },
            new
            {
                id = "count", type = "question", text = "How many boxes?", expect = "number", variable = "boxes",
                next = "total",
            },
            new { id = "total", type = "setVariable", variable = "total", value = "context.boxes * 2.5", next = "big" },
            new
            {
                id = "big", type = "condition",
                branches = new[] { new { when = "context.total >= 10", next = "bulk" } }, @else = "small",
            },
            new { id = "bulk", type = "message", text = "{{ context.total }} EUR, bulk price.", next = "size" },
            new { id = "small", type = "message", text = "{{ context.total }} EUR.", next = "size" },
            new
            {
                id = "size", type = "question", text = "Which size?", expect = "choice",
                choices = Sizes, variable = "size", next = "confirm",
            },
            new
            {
                id = "confirm", type = "question", expect = "yesNo",
                text = "Send {{ lower(context.size) }} boxes to {{ context.email }}?", variable = "ok", next = "done",
            },
            new { id = "done", type = "end", text = "{{ context.ok ? 'Done' : 'Cancelled' }}{{ context.note }}." },
        },
    };

    [Fact]
    public async Task A_bot_asks_checks_the_answers_computes_and_carries_on_from_its_saved_state()
    {
        var bot = await BotAsync(Order);
        var started = await StartAsync(bot, new { externalUserId = "c-42", user = new { firstName = "zoë" } });
        Assert.Equal(["Hello Zoë!", "What is your e-mail address?"], Texts(started));
        Assert.Equal("active", State(started));
        var id = Id(started);

        var wrong = await SayAsync(id, "not an address");
        Assert.Equal(["not an address"], Texts(wrong, "user"));
        Assert.Equal(["That does not look like an e-mail address."], Texts(wrong));
        Assert.Equal(["How many boxes?"], Texts(await SayAsync(id, "zoe@example.com")));

        var priced = await SayAsync(id, "4");
        Assert.Equal(["10 EUR, bulk price.", "Which size?"], Texts(priced));
        var messages = priced.GetProperty("messages");
        var buttons = messages[messages.GetArrayLength() - 1].GetProperty("buttons").EnumerateArray()
            .Select(b => b.Str("value")).ToArray();
        Assert.Equal(["Small", "Large"], buttons);
        Assert.Equal(["Send large boxes to zoe@example.com?"], Texts(await SayAsync(id, "2")));
        var done = await SayAsync(id, "yes");
        Assert.Equal(["Done."], Texts(done));
        Assert.Equal("ended", State(done));
        Assert.Equal("flow", done.GetProperty("conversation").Str("endReason"));
        Assert.Equal("urn:communique:problem:conversation-ended",
            (await (await _admin.PostJsonAsync($"/chat/conversations/{id}/messages", new { text = "hello?" }))
                .ProblemAsync(HttpStatusCode.Conflict)).Str("type"));

        // The messages, in order, from a cursor.
        var all = await (await _admin.GetAsync($"/chat/conversations/{id}/messages")).JsonAsync();
        var sequences = all.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("sequence").GetInt64())
            .ToArray();
        Assert.Equal(Enumerable.Range(1, sequences.Length).Select(i => (long)i), sequences);
        var later = await (await _admin.GetAsync($"/chat/conversations/{id}/messages?after={sequences[^2]}"))
            .JsonAsync();
        Assert.Equal("Done.", Assert.Single(later.GetProperty("items").EnumerateArray()).Str("text"));
        Assert.Equal(sequences[^1], later.GetProperty("next").GetInt64());
    }

    [Fact]
    public async Task Saving_a_flow_names_the_interaction_that_is_wrong()
    {
        async Task<JsonElement> Refused(params object[] interactions) =>
            (await (await CreateBotAsync(new { start = "a", interactions })).ProblemAsync(HttpStatusCode.BadRequest))
            .GetProperty("errors");

        static string Keys(JsonElement errors) =>
            string.Join(" ", errors.EnumerateObject().Select(e => e.Name + "=" + e.Value[0].GetString()));

        var missing = await Refused(new { id = "a", type = "message", text = "Hi", next = "nowhere" });
        Assert.Contains("content.interactions.a", Keys(missing));
        Assert.Contains("'nowhere'", Keys(missing));

        var unreachable = await Refused(
            new { id = "a", type = "end", text = "Bye" }, new { id = "island", type = "end", text = "Alone" });
        Assert.Contains("content.interactions.island=", Keys(unreachable));

        var unknown = await Refused(new { id = "a", type = "end", text = "Bye {{ context.nobody }}" });
        Assert.Contains("context.nobody", Keys(unknown));

        var expression = await Refused(
            new { id = "a", type = "setVariable", variable = "x", value = "1 +", next = "b" },
            new { id = "b", type = "end" });
        Assert.Contains("content.interactions.a.value", Keys(expression));

        var loop = await Refused(
            new { id = "a", type = "setVariable", variable = "x", value = "1", next = "b" },
            new { id = "b", type = "message", text = "again", next = "a" });
        Assert.Contains("never waits", Keys(loop));

        var type = await Refused(new { id = "a", type = "teleport" });
        Assert.Contains("content.interactions.a.type", Keys(type));

        var code = await Refused(
            new { id = "a", type = "setVariable", variable = "x", value = "System.IO.File.Delete('x')", next = "b" },
            new { id = "b", type = "end" });
        Assert.Contains("content.interactions.a.value", Keys(code));

        await (await CreateBotAsync(new { start = "a", interactions = Array.Empty<object>(), extra = 1 }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        // A loop through a question is fine: the user's words break it.
        await (await CreateBotAsync(new
        {
            start = "q",
            interactions = new object[]
            {
                new { id = "q", type = "question", text = "Again?", expect = "yesNo", variable = "again", next = "c" },
                new
                {
                    id = "c", type = "condition", branches = new[] { new { when = "context.again", next = "q" } },
                    @else = "bye",
                },
                new { id = "bye", type = "end", text = "Bye" },
            },
        })).JsonAsync(HttpStatusCode.Created);

        // HTML is kept sanitised.
        var html = await (await CreateBotAsync(new
        {
            start = "a",
            interactions = new object[]
            {
                new
                {
                    id = "a", type = "end",
                    html = "<p onclick=\"steal()\">Hi <a href=\"javascript:alert(1)\">x</a><script>x()</script></p>",
                },
            },
        })).JsonAsync(HttpStatusCode.Created);
        var saved = html.GetProperty("content").GetProperty("interactions")[0].Str("html");
        Assert.DoesNotContain("onclick", saved, StringComparison.Ordinal);
        Assert.DoesNotContain("script", saved, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript", saved, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_third_fallback_hands_over_to_one_agent_who_answers_and_hands_back()
    {
        var bot = await BotAsync(new
        {
            start = "size",
            interactions = new object[]
            {
                new
                {
                    id = "size", type = "question", text = "Small or large?", expect = "choice",
                    choices = Sizes, variable = "size", next = "bye",
                },
                new { id = "bye", type = "end", text = "{{ context.size }} it is." },
            },
        });
        var id = Id(await StartAsync(bot));
        Assert.Equal(["Sorry, I did not understand that."], Texts(await SayAsync(id, "medium")));
        Assert.Equal("active", State(await SayAsync(id, "huge")));
        var handed = await SayAsync(id, "tiny");
        Assert.Equal("awaiting-agent", State(handed));
        Assert.Equal(["Let me find someone who can help you."], Texts(handed));

        using var agent = await AgentAsync(_acme, _admin);
        var waiting = await (await agent.GetAsync("/chat/agent/conversations?state=awaiting-agent")).JsonAsync();
        Assert.Equal(id, Assert.Single(waiting.GetProperty("items").EnumerateArray()).Str("id"));
        // The agent's role reaches nothing else of the channel.
        await (await agent.PostJsonAsync($"/chat/bots/{bot}/conversations", new { }))
            .ProblemAsync(HttpStatusCode.Forbidden);

        await (await agent.PostJsonAsync($"/chat/agent/conversations/{id}/messages", new { text = "Hi" }))
            .ProblemAsync(HttpStatusCode.Conflict);
        var taken = await (await agent.PostAsync($"/chat/agent/conversations/{id}/takeover", null)).JsonAsync();
        Assert.Equal("taken-over", taken.Str("state"));
        await (await _admin.PostAsync($"/chat/agent/conversations/{id}/takeover", null))
            .ProblemAsync(HttpStatusCode.Conflict);

        // While the agent has it, the user's words get no answer from the bot.
        var quiet = await SayAsync(id, "I want a medium one");
        Assert.Empty(Texts(quiet));
        var answer = await (await agent.PostJsonAsync($"/chat/agent/conversations/{id}/messages",
            new { text = "We only have small and large." })).JsonAsync();
        Assert.Equal(["We only have small and large."], Texts(answer, "agent"));

        var back = await (await agent.PostAsync($"/chat/agent/conversations/{id}/handback", null)).JsonAsync();
        Assert.Equal("active", State(back));
        Assert.Equal(["Small or large?"], Texts(back));
        Assert.Equal(["Large it is."], Texts(await SayAsync(id, "large")));

        var history = await (await agent.GetAsync($"/chat/agent/conversations/{id}/messages")).JsonAsync();
        Assert.Contains(history.GetProperty("items").EnumerateArray(), m => m.Str("sender") == "agent");
    }

    [Fact]
    public async Task Another_team_finds_no_conversation_and_no_bot()
    {
        var bot = await BotAsync(Order);
        var id = Id(await StartAsync(bot, new { user = new { firstName = "ann" } }));
        var other = await _host.CreateAccountAsync("Other Corp");
        using var theirs = await other.AdminAsync();
        using var theirAgent = await AgentAsync(other, theirs);
        await (await theirs.PostJsonAsync($"/chat/bots/{bot}/conversations", new { }))
            .ProblemAsync(HttpStatusCode.NotFound);
        await (await theirs.GetAsync($"/chat/conversations/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await theirs.GetAsync($"/chat/conversations/{id}/messages")).ProblemAsync(HttpStatusCode.NotFound);
        await (await theirs.PostJsonAsync($"/chat/conversations/{id}/messages", new { text = "hi" }))
            .ProblemAsync(HttpStatusCode.NotFound);
        await (await theirs.PostAsync($"/chat/conversations/{id}/end", null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await theirAgent.PostAsync($"/chat/agent/conversations/{id}/takeover", null))
            .ProblemAsync(HttpStatusCode.NotFound);
        await (await theirAgent.GetAsync($"/chat/agent/conversations/{id}/messages"))
            .ProblemAsync(HttpStatusCode.NotFound);
        var listed = await (await theirAgent.GetAsync("/chat/agent/conversations")).JsonAsync();
        Assert.Empty(listed.GetProperty("items").EnumerateArray());

        // A link to another team's bot is refused when the flow reaches it.
        var theirProject = (await (await theirs.PostJsonAsync("/projects", new { name = "Theirs" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var linking = (await (await CreateBotAsync(new
        {
            start = "go", interactions = new object[] { new { id = "go", type = "link", botId = bot } },
        }, theirs, theirProject)).JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await theirs.PostJsonAsync($"/chat/bots/{linking}/conversations", new { }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("active", (await (await _admin.GetAsync($"/chat/conversations/{id}")).JsonAsync()).Str("state"));
    }

    [Fact]
    public async Task A_REST_call_fills_variables_and_reaches_a_private_address_only_when_the_team_allows_it()
    {
        await using var service = await OrderService.StartAsync();
        var bot = await BotAsync(new
        {
            start = "call",
            interactions = new object[]
            {
                new
                {
                    id = "call", type = "rest", method = "POST", url = service.Url + "/orders/{{ user.order }}",
                    headers = new Dictionary<string, string> { ["X-Key"] = "k-{{ user.order }}" },
                    body = "{\"who\": \"{{ user.name }}\"}", variable = "status", select = "order.status",
                    onError = "failed", next = "said",
                },
                new { id = "said", type = "end", text = "Your order is {{ context.status }}." },
                new
                {
                    id = "failed", type = "end",
                    text = "No answer ({{ context.statusStatus }}): {{ context.statusError }}",
                },
            },
        });
        var user = new { order = "A/7", name = "Ann \"the\" Tester" };

        var refused = await StartAsync(bot, new { user });
        Assert.StartsWith("No answer (0): 127.0.0.1", Assert.Single(Texts(refused)));
        Assert.Empty(service.Requests);

        await (await _admin.PutAsJsonAsync("/chat/settings", new { allowedNetworks = Loopback }))
            .JsonAsync();
        var answered = await StartAsync(bot, new { user });
        Assert.Equal(["Your order is shipped."], Texts(answered));
        var request = Assert.Single(service.Requests);
        Assert.Equal("/orders/A%2F7", request.Path);
        Assert.Equal("k-A/7", request.Key);
        Assert.Equal("Ann \"the\" Tester", JsonDocument.Parse(request.Body).RootElement.Str("who"));

        // Allowed networks are the administrator's; a bad one is refused.
        await (await _admin.PutAsJsonAsync("/chat/settings", new { allowedNetworks = NotANetwork }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        using var agent = await AgentAsync(_acme, _admin);
        await (await agent.PutAsJsonAsync("/chat/settings", new { allowedNetworks = Array.Empty<string>() }))
            .ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_expression_over_its_limit_fails_the_turn_with_its_reason_and_saves_nothing()
    {
        var bot = await BotAsync(new
        {
            start = "ask",
            interactions = new object[]
            {
                new { id = "ask", type = "question", text = "Word?", variable = "word", next = "grow" },
                new
                {
                    id = "grow", type = "setVariable", variable = "big",
                    value = "replace(replace(replace(replace(context.word, 'a', 'aaaaaaaaaa'), 'a', 'aaaaaaaaaa'), " +
                        "'a', 'aaaaaaaaaa'), 'a', 'aaaaaaaaaa')",
                    next = "bye",
                },
                new { id = "bye", type = "end", text = "{{ length(context.big) }}" },
            },
        });
        var id = Id(await StartAsync(bot));
        var problem = await (await _admin.PostJsonAsync($"/chat/conversations/{id}/messages", new { text = "aaaaaaa" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'grow'", problem.GetProperty("errors").GetProperty("text")[0].GetString(),
            StringComparison.Ordinal);
        var messages = await (await _admin.GetAsync($"/chat/conversations/{id}/messages")).JsonAsync();
        Assert.Equal(1, messages.GetProperty("items").GetArrayLength());
        Assert.Equal(["10000"], Texts(await SayAsync(id, "a")));

        await (await _admin.PostJsonAsync($"/chat/conversations/{id}/messages", new { text = "" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostJsonAsync($"/chat/conversations/{Guid.NewGuid()}/messages", new { text = "x" }))
            .ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_conversation_left_silent_ends()
    {
        var bot = await BotAsync(new
        {
            start = "q", timeoutMinutes = 30,
            interactions = new object[]
            {
                new { id = "q", type = "question", text = "Name?", variable = "name", next = "bye" },
                new { id = "bye", type = "end" },
            },
        });
        var id = Id(await StartAsync(bot));
        _host.Clock.Advance(TimeSpan.FromMinutes(31));
        await (await _admin.PostJsonAsync($"/chat/conversations/{id}/messages", new { text = "Ann" }))
            .ProblemAsync(HttpStatusCode.Conflict);
        var ended = await (await _admin.GetAsync($"/chat/conversations/{id}")).JsonAsync();
        Assert.Equal(("ended", "silence"), (ended.Str("state"), ended.Str("endReason")));
    }

    [Fact]
    public async Task Ended_conversations_are_archived_swept_when_silent_and_counted_per_day()
    {
        var bot = await BotAsync(Order);
        var done = Id(await StartAsync(bot, new { externalUserId = "c-1", user = new { firstName = "ann" } }));
        foreach (var text in new[] { "ann@example.com", "3", "small", "no" })
        {
            await SayAsync(done, text);
        }

        var silent = Id(await StartAsync(bot, new { externalUserId = "c-1", user = new { firstName = "ann" } }));
        var anonymous = Id(await StartAsync(bot, new { user = new { firstName = "bo" } }));
        await SayAsync(anonymous, "not an address");

        // The ended conversation's transcript is in the archive, found by what was said.
        var archived = await (await _admin.GetAsync("/archive/entries?channel=chat&text=cancelled")).JsonAsync();
        var entry = Assert.Single(archived.GetProperty("items").EnumerateArray());
        Assert.Equal(done, entry.Str("messageId"));
        var transcript = await (await _admin.GetAsync($"/archive/entries/{entry.Str("id")}/content")).JsonAsync();
        Assert.Equal(11, transcript.GetProperty("messages").GetArrayLength());

        // A day later the sweep ends the two left open; each transcript is archived.
        _host.Clock.Advance(TimeSpan.FromHours(25));
        using var admin = await _acme.AdminAsync();
        Assert.Equal(2, await _host.Service<Communique.Chat.ChatSweep>().SweepAsync(CancellationToken.None));
        var swept = await (await admin.GetAsync($"/chat/conversations/{silent}")).JsonAsync();
        Assert.Equal(("ended", "silence"), (swept.Str("state"), swept.Str("endReason")));
        Assert.Equal(3, (await (await admin.GetAsync("/archive/entries?channel=chat")).JsonAsync())
            .GetProperty("items").GetArrayLength());
        Assert.Equal(0, await _host.Service<Communique.Chat.ChatSweep>().SweepAsync(CancellationToken.None));

        var analytics = await (await admin.GetAsync($"/chat/analytics?botId={bot}")).JsonAsync();
        var day = Assert.Single(analytics.GetProperty("days").EnumerateArray());
        Assert.Equal((3, 2, 1), (day.GetProperty("conversations").GetInt32(), day.GetProperty("users").GetInt32(),
            day.GetProperty("fallbacks").GetInt32()));
        Assert.Equal((5, 12), (day.GetProperty("userMessages").GetInt32(), day.GetProperty("botMessages").GetInt32()));
        await (await admin.GetAsync("/chat/analytics?from=2026-12-01&to=2026-11-01"))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var other = await (await _host.CreateAccountAsync("Other Corp")).AdminAsync();
        Assert.Empty((await (await other.GetAsync($"/chat/analytics?botId={bot}")).JsonAsync())
            .GetProperty("days").EnumerateArray());
    }

    [Fact]
    public async Task Intents_route_entities_fill_variables_and_a_link_carries_them_to_another_bot()
    {
        // A model trained on a part of CLINC150 (Larson et al. 2019, CC BY 3.0; see Nlu/Data/README.md) with a city.
        var model = (await (await _admin.PostJsonAsync("/nlu/models", new { name = "Travel" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var sample = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Nlu", "Data",
            "clinc150-sample.csv"));
        await (await _admin.PostAsync($"/nlu/models/{model}/import",
            new StringContent(sample, System.Text.Encoding.UTF8, "text/csv"))).JsonAsync();
        await (await _admin.PostJsonAsync($"/nlu/models/{model}/entities", new
        {
            name = "city", kind = "list", values = new[] { new { value = "New York", synonyms = CitySynonyms } },
        })).JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostAsync($"/nlu/models/{model}/versions", null)).JsonAsync(HttpStatusCode.Accepted);
        Assert.True(await _host.Service<Communique.Jobs.JobRunner>().RunOneAsync(CancellationToken.None));
        await (await _admin.PostAsync($"/nlu/models/{model}/versions/1/activate", null)).JsonAsync();

        // The linked bot reads the variable the first one set: it declares it, as a flow's input.
        var booking = await BotAsync(new
        {
            start = "confirm", variables = SharedCity,
            interactions = new object[]
            {
                new
                {
                    id = "confirm", type = "message", text = "Booking {{ context.city }} for {{ user.name }}.",
                    cards = new[]
                    {
                        new
                        {
                            title = "{{ upper(context.city) }}", subtitle = "Flights",
                            imageUrl = "https://x.example/c.png",
                            buttons = new[] { new { label = "Change", value = "change" } },
                        },
                    },
                    links = new[] { new { label = "Terms", url = "https://x.example/terms" } }, next = "recap",
                },
                new { id = "recap", type = "end", text = "{{ history() }}" },
            },
        });
        var bot = await BotAsync(new
        {
            start = "route", nluModelId = model,
            interactions = new object[]
            {
                new
                {
                    id = "route", type = "intent", text = "How can I help?",
                    retryText = "Sorry, try saying it another way.",
                    routes = new object[]
                    {
                        new { intent = "book_flight", entity = "city", variable = "city", next = "where" },
                        new { intent = "weather", next = "sunny" },
                    },
                },
                new
                {
                    id = "where", type = "question", text = "Which city?", expect = "entity", entity = "city",
                    variable = "city", next = "book",
                },
                new { id = "sunny", type = "message", text = "It will be sunny.", next = "route" },
                new { id = "book", type = "link", botId = booking },
            },
        });

        var id = Id(await StartAsync(bot, new { user = new { name = "Ann" } }));
        Assert.Equal(["It will be sunny.", "How can I help?"],
            Texts(await SayAsync(id, "will it rain in paris this weekend")));
        Assert.Equal(["Which city?"], Texts(await SayAsync(id, "book me a flight for two people tomorrow")));
        Assert.Equal(["Sorry, I did not understand that."], Texts(await SayAsync(id, "somewhere warm")));
        var linked = await SayAsync(id, "the big apple please");
        var said = linked.GetProperty("messages").EnumerateArray().Where(m => m.Str("sender") == "bot").ToList();
        Assert.Equal("Booking New York for Ann.", said[0].Str("text"));
        var card = Assert.Single(said[0].GetProperty("cards").EnumerateArray());
        Assert.Equal(("NEW YORK", "change"),
            (card.Str("title"), card.GetProperty("buttons")[0].Str("value")));
        Assert.Equal("https://x.example/terms", said[0].GetProperty("links")[0].Str("url"));
        Assert.Contains("User: the big apple please", said[1].Str("text"), StringComparison.Ordinal);
        Assert.Contains("Bot: Which city?", said[1].Str("text"), StringComparison.Ordinal);
        Assert.Equal("ended", State(linked));
    }

    // A company's order system on loopback: answers every POST with an order's status, and notes what it got.
    private sealed class OrderService : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private OrderService(WebApplication app) => _app = app;

        public List<(string Path, string? Key, string Body)> Requests { get; } = [];

        public string Url => _app.Services.GetRequiredService<IServer>().Features
            .Get<IServerAddressesFeature>()!.Addresses.First();

        public static async Task<OrderService> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var service = new OrderService(app);
            app.MapPost("/orders/{**id}", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                lock (service.Requests)
                {
                    service.Requests.Add((context.Request.Path + "", context.Request.Headers["X-Key"].ToString(),
                        body));
                }

                return Results.Json(new { order = new { status = "shipped" } });
            });
            await app.StartAsync();
            return service;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

public sealed class ChatOnSqlite() : ChatTests(Provider.Sqlite);

public sealed class ChatOnPostgres() : ChatTests(Provider.Postgres);
