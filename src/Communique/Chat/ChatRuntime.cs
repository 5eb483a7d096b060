using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Communique.Chat.Expressions;
using Communique.Data;
using Communique.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Chat;

// A turn failed for a reason the bot's designer can mend (an expression's limit, a step limit): nothing of the
// turn is saved, and the caller is told why.
public sealed class ChatTurnException(string message) : Exception(message);

// Runs a conversation's flow: from where it stands, with the user's words when there are some, on through the
// interactions that need no input, until one waits for the user, hands over to an agent, or ends. The conversation
// and the messages the turn adds are changed in the AppDb given; the caller saves them in one unit of work.
public sealed class ChatRuntime(
    ChatFlowCache flows, ChatNlu nlu, OutboundHttp http, TimeProvider clock, IOptions<ChatOptions> options,
    ChatEvents events, IEnumerable<IChatChannel> channels, ChatTranscripts transcripts, ILogger<ChatRuntime> logger)
{
    public const int FallbacksBeforeAgent = 3;
    private const string DidNotUnderstand = "Sorry, I did not understand that.";
    private const string FindingAgent = "Let me find someone who can help you.";

    public ChatOptions Options => options.Value;
    public ChatEvents Events => events;
    private ChatFlowCache Flows => flows;
    private ChatNlu Nlu => nlu;
    private OutboundHttp Http => http;
    private TimeProvider Clock => clock;

    public Task<Turn> StartAsync(AppDb db, Conversation conversation, CancellationToken cancellationToken) =>
        StartAsync(db, conversation, null, cancellationToken);

    // The user's words that opened the conversation (an SMS to the team's number) are kept as its first message; the
    // flow runs from its start all the same.
    public async Task<Turn> StartAsync(
        AppDb db, Conversation conversation, string? openingWords, CancellationToken cancellationToken)
    {
        var turn = await OpenAsync(db, conversation, cancellationToken);
        if (openingWords is not null)
        {
            turn.Say(ChatSender.User, openingWords, null);
        }

        await turn.RunAsync(turn.Flow.Start, cancellationToken);
        return turn;
    }

    public async Task<Turn> ReceiveAsync(
        AppDb db, Conversation conversation, string text, CancellationToken cancellationToken)
    {
        var turn = await OpenAsync(db, conversation, cancellationToken);
        turn.Say(ChatSender.User, text, null);
        if (conversation.State == ConversationState.Active && conversation.Position is { } position)
        {
            await turn.AnswerAsync(turn.Flow.Steps[position], text, cancellationToken);
        }
        else
        {
            // Kept for the agent who has (or will take) the conversation; the bot stays silent.
            turn.Save();
        }

        return turn;
    }

    // After an agent hands the conversation back: the flow goes on where it stood.
    public async Task<Turn> ResumeAsync(AppDb db, Conversation conversation, CancellationToken cancellationToken)
    {
        var turn = await OpenAsync(db, conversation, cancellationToken);
        if (conversation.Position is { } position)
        {
            await turn.RunAsync(position, cancellationToken);
        }
        else
        {
            turn.End("flow");
        }

        return turn;
    }

    // Saves the turn in one unit of work, then streams its messages and state to the clients listening and hands the
    // bot's and agents' messages to the conversation's channel when it carries them itself. False, and nothing saved,
    // when another turn of the conversation was saved meanwhile.
    public async Task<bool> SaveAsync(AppDb db, Turn turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(turn);
        var state = db.Entry(turn.Conversation).Property(c => c.State);
        var changed = state.IsModified || db.Entry(turn.Conversation).State == EntityState.Added;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(e))
        {
            return false;
        }

        Published(turn.Conversation, turn.Added, changed);
        if (changed && turn.Conversation.State == ConversationState.Ended)
        {
            await transcripts.KeepAsync(db, turn.Conversation, cancellationToken);
        }

        var channel = channels.FirstOrDefault(c => c.Name == turn.Conversation.Channel);
        var outgoing = turn.Added.Where(m => m.Sender is ChatSender.Bot or ChatSender.Agent && m.Text is not null)
            .ToList();
        if (channel is not null && outgoing.Count > 0)
        {
            try
            {
                await channel.DeliverAsync(turn.Conversation, outgoing, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException
                or InvalidOperationException)
            {
                logger.LogWarning("The {Channel} channel could not deliver {Count} messages of conversation " +
                    "{Conversation}: {Error}", channel.Name, outgoing.Count, turn.Conversation.Id, e.Message);
            }
        }

        return true;
    }

    // Streams what a saved change of a conversation added, and its state when that changed.
    public void Published(Conversation conversation, IEnumerable<ChatMessage> added, bool stateChanged)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (!events.Listens(conversation.TeamId, conversation.Id))
        {
            return;
        }

        foreach (var message in added ?? [])
        {
            events.Publish(new ChatEvent(conversation.TeamId, conversation.Id, conversation.State, "message",
                MessageResponse.From(message)));
        }

        if (stateChanged)
        {
            events.Publish(new ChatEvent(conversation.TeamId, conversation.Id, conversation.State, "state"));
        }
    }

    public async Task<Turn> OpenAsync(AppDb db, Conversation conversation, CancellationToken cancellationToken)
    {
        var flow = await Flows.VersionAsync(db, conversation.FlowBotId, conversation.FlowVersion, cancellationToken);
        return new Turn(this, db, conversation, flow);
    }

    // One turn's work on a conversation, and the scope its expressions read.
    public sealed class Turn : IExpressionScope
    {
        private readonly ChatRuntime _runtime;
        private readonly AppDb _db;
        private readonly Dictionary<string, object?> _variables;
        private readonly Dictionary<string, object?> _user;
        private int _steps;

        internal Turn(ChatRuntime runtime, AppDb db, Conversation conversation, CompiledFlow flow)
        {
            _runtime = runtime;
            _db = db;
            Conversation = conversation;
            Flow = flow;
            _variables = ReadValues(conversation.Variables);
            _user = ReadValues(conversation.UserAttributes);
            Now = runtime.Clock.GetUtcNow();
        }

        public Conversation Conversation { get; }
        public CompiledFlow Flow { get; private set; }
        public List<ChatMessage> Added { get; } = [];
        public DateTimeOffset Now { get; }

        public bool TryGet(string name, out object? value)
        {
            value = null;
            if (name.StartsWith("context.", StringComparison.Ordinal))
            {
                return _variables.TryGetValue(name["context.".Length..], out value);
            }

            return name.StartsWith("user.", StringComparison.Ordinal)
                && _user.TryGetValue(name["user.".Length..], out value);
        }

        public string HistoryText() => string.Join('\n', History().Select(m => $"{Who(m.Sender)}: {m.Text}"));

        public string HistoryHtml() => string.Concat(History().Select(m =>
            $"<p><b>{WebUtility.HtmlEncode(Who(m.Sender))}:</b> {WebUtility.HtmlEncode(m.Text)}</p>"));

        // The conversation's last 200 messages with text, this turn's included.
        private List<ChatMessage> History()
        {
            var saved = _db.ChatMessages.AsNoTracking()
                .Where(m => m.ConversationId == Conversation.Id && m.Text != null)
                .OrderByDescending(m => m.Sequence).Take(200).ToList();
            saved.Reverse();
            return [.. saved, .. Added.Where(m => m.Text is not null)];
        }

        private static string Who(ChatSender sender) => sender switch
        {
            ChatSender.User => "User",
            ChatSender.Agent => "Agent",
            ChatSender.System => "System",
            _ => "Bot",
        };

        public ChatMessage Say(ChatSender sender, string? text, MessageExtras? extras, Guid? agentId = null)
        {
            var message = new ChatMessage
            {
                TeamId = Conversation.TeamId,
                ConversationId = Conversation.Id,
                Sequence = ++Conversation.LastSequence,
                Sender = sender,
                Text = text,
                Payload = extras is null ? null : JsonSerializer.Serialize(extras, ChatFlows.Json),
                AgentId = agentId,
                CreatedAt = Now.UtcDateTime,
            };
            _db.ChatMessages.Add(message);
            Added.Add(message);
            Conversation.LastActivityAt = Now.UtcDateTime;
            return message;
        }

        public void End(string reason)
        {
            Conversation.State = ConversationState.Ended;
            Conversation.Position = null;
            Conversation.EndReason = reason;
            Conversation.EndedAt = Now.UtcDateTime;
            Save();
        }

        internal async Task AnswerAsync(FlowStep step, string text, CancellationToken cancellationToken)
        {
            string? next = null;
            if (step.Kind == StepKind.Question)
            {
                var (understood, value) = await ReadAnswerAsync(step, text, cancellationToken);
                if (understood)
                {
                    Set(step.Variable, value);
                    next = step.Next;
                }
                else if (Fallback() && ++Conversation.Attempts > step.Retries && step.OnFail is not null)
                {
                    next = step.OnFail;
                }
                else if (Conversation.State == ConversationState.Active)
                {
                    Reprompt(step);
                    Save();
                    return;
                }
            }
            else
            {
                var reading = await _runtime.Nlu.ReadAsync(_db, Flow.NluModelId, text, cancellationToken);
                var route = reading?.Intent is { } intent
                    ? step.Routes.FirstOrDefault(r => string.Equals(r.Intent, intent, StringComparison.Ordinal))
                    : null;
                if (route is not null)
                {
                    if (route.Variable is not null)
                    {
                        Set(route.Variable, reading!.Entities.Where(e => e.Entity == route.Entity)
                            .Select(e => (object?)e.Value).FirstOrDefault());
                    }

                    next = route.Next;
                }
                else if (Fallback() && step.Fallback is not null)
                {
                    next = step.Fallback;
                }
                else if (Conversation.State == ConversationState.Active)
                {
                    Reprompt(step);
                    Save();
                    return;
                }
            }

            Conversation.Attempts = 0;
            if (next is not null && Conversation.State == ConversationState.Active)
            {
                await RunAsync(next, cancellationToken);
            }
            else
            {
                Save();
            }
        }

        // Counts a fallback answer; the third moves the conversation to an agent. False when it did.
        private bool Fallback()
        {
            if (++Conversation.Fallbacks < FallbacksBeforeAgent)
            {
                return true;
            }

            Say(ChatSender.Bot, FindingAgent, null);
            HandOver();
            return false;
        }

        private void HandOver()
        {
            Conversation.State = ConversationState.AwaitingAgent;
            Conversation.HandedOverAt = Now.UtcDateTime;
        }

        private void Reprompt(FlowStep step)
        {
            var text = step.RetryText is { } retry ? Render(step, retry) : DidNotUnderstand;
            Say(ChatSender.Bot, text, Extras(step, includeText: false));
        }

        private async Task<(bool, object?)> ReadAnswerAsync(
            FlowStep step, string text, CancellationToken cancellationToken)
        {
            if (step.Expect != AnswerKind.Entity)
            {
                return Answers.TryRead(step.Expect, text, step.Choices, out var value) ? (true, value) : (false, null);
            }

            var reading = await _runtime.Nlu.ReadAsync(_db, Flow.NluModelId, text, cancellationToken);
            var entity = reading?.Entities.FirstOrDefault(e =>
                string.Equals(e.Entity, step.Entity, StringComparison.OrdinalIgnoreCase));
            return entity is { Value: { } found } ? (true, found) : (false, null);
        }

        internal async Task RunAsync(string start, CancellationToken cancellationToken)
        {
            string? at = start;
            while (at is not null && Conversation.State == ConversationState.Active)
            {
                if (++_steps > _runtime.Options.MaxStepsPerTurn)
                {
                    throw new ChatTurnException($"The flow ran {_runtime.Options.MaxStepsPerTurn} interactions in " +
                        $"one turn without waiting for the user (at '{at}'): it loops through a link between bots.");
                }

                var step = Flow.Steps[at];
                Conversation.Position = step.Id;
                at = step.Kind switch
                {
                    StepKind.Message => Message(step),
                    StepKind.Question or StepKind.Intent => Prompt(step),
                    StepKind.SetVariable => SetVariable(step),
                    StepKind.Condition => step.Branches.FirstOrDefault(b => Holds(step, b.When))?.Next ?? step.Else,
                    StepKind.Rest => await RestAsync(step, cancellationToken),
                    StepKind.Agent => Agent(step),
                    StepKind.Link => await LinkAsync(step, cancellationToken),
                    _ => Finish(step),
                };
            }

            if (at is null && Conversation.State == ConversationState.Active && !Waiting)
            {
                End("flow");
            }

            Save();
        }

        private bool Waiting { get; set; }

        private string? Message(FlowStep step)
        {
            Say(ChatSender.Bot, step.Text is null ? null : Render(step, step.Text), Extras(step, includeText: true));
            return step.Next ?? Finish(null);
        }

        private string? Prompt(FlowStep step)
        {
            if (step.Text is not null || step.Html is not null || step.Cards.Count > 0 || step.Buttons.Count > 0)
            {
                Say(ChatSender.Bot, step.Text is null ? null : Render(step, step.Text), Extras(step, true));
            }

            Waiting = true;
            Conversation.Attempts = 0;
            return null;
        }

        private string? SetVariable(FlowStep step)
        {
            Set(step.Variable, Evaluate(step, () => step.Value!.Evaluate(this)));
            return step.Next;
        }

        private bool Holds(FlowStep step, ChatExpression when) => Evaluate(step, () => when.IsTrue(this));

        private string? Agent(FlowStep step)
        {
            if (step.Text is not null)
            {
                Say(ChatSender.Bot, Render(step, step.Text), Extras(step, includeText: true));
            }

            HandOver();
            Conversation.Position = step.Next;
            return null;
        }

        private string? Finish(FlowStep? step)
        {
            if (step?.Text is not null || step?.Html is not null)
            {
                Say(ChatSender.Bot, step.Text is null ? null : Render(step, step.Text), Extras(step, true));
            }

            End("flow");
            return null;
        }

        private async Task<string?> LinkAsync(FlowStep step, CancellationToken cancellationToken)
        {
            if (await _runtime.Flows.CurrentAsync(_db, step.BotId!.Value, cancellationToken) is not { } linked)
            {
                throw new ChatTurnException(
                    $"The interaction '{step.Id}' links to the bot {step.BotId}, which the team does not have.");
            }

            Conversation.FlowBotId = step.BotId.Value;
            Conversation.FlowVersion = linked.Version;
            Flow = linked.Flow;
            return Flow.Start;
        }

        private async Task<string?> RestAsync(FlowStep step, CancellationToken cancellationToken)
        {
            var url = Render(step, step.Url!, Uri.EscapeDataString);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                return RestFailed(step, $"'{url}' is not a URL.");
            }

            var json = step.Headers.Any(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
                && Render(step, h.Value).Contains("json", StringComparison.OrdinalIgnoreCase)) || step.Body is not null
                && step.Headers.All(h => !h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase));
            var headers = step.Headers.Where(h => !h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                .Select(h => KeyValuePair.Create(h.Name, Render(step, h.Value))).ToList();
            var contentType = step.Headers.FirstOrDefault(h =>
                h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) is { } given
                ? Render(step, given.Value)
                : step.Body is null ? null : "application/json";
            var body = step.Body is null ? null : Render(step, step.Body, json ? JsonEscaped : null);
            var allowed = await ChatSettings.AllowedNetworksAsync(_db, cancellationToken);
            var response = await _runtime.Http.SendAsync(new OutboundRequest(step.Method!, uri, headers, body,
                contentType, step.RestTimeout, _runtime.Options.MaxRestResponseBytes, allowed), cancellationToken);
            if (response.Failure != OutboundFailure.None)
            {
                return RestFailed(step, response.Reason ?? response.Failure.ToString());
            }

            if (step.Variable is not null)
            {
                Set(step.Variable + "Status", (decimal)response.Status);
                Set(step.Variable + "Error", null);
                Set(step.Variable, RestValue(response.Body, step.Select));
            }

            return response.Status is >= 200 and < 300 ? step.Next : step.OnError ?? step.Next;
        }

        // The call's variable is null, its status 0 and its error the reason.
        private string? RestFailed(FlowStep step, string reason)
        {
            if (step.Variable is not null)
            {
                Set(step.Variable + "Status", 0m);
                Set(step.Variable + "Error", reason);
                Set(step.Variable, null);
            }

            return step.OnError ?? step.Next;
        }

        // The response's value: at Select's dotted path when the body is JSON, else the body's text.
        private static object? RestValue(string? body, string? select)
        {
            if (string.IsNullOrEmpty(body))
            {
                return null;
            }

            JsonNode? node;
            try
            {
                node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException)
            {
                return select is null ? body : null;
            }

            foreach (var part in (select ?? "").Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                node = node switch
                {
                    JsonObject o => o.TryGetPropertyValue(part, out var child) ? child : null,
                    JsonArray a when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                        && n < a.Count => a[n],
                    _ => null,
                };
            }

            return Scalar(node);
        }

        private string Render(FlowStep step, ChatText text, Func<string, string>? encode = null) =>
            Evaluate(step, () => text.Render(this, encode));

        private static T Evaluate<T>(FlowStep step, Func<T> evaluate)
        {
            try
            {
                return evaluate();
            }
            catch (ExpressionException e)
            {
                throw new ChatTurnException($"The interaction '{step.Id}' failed: {e.Message}");
            }
        }

        private MessageExtras? Extras(FlowStep step, bool includeText)
        {
            var buttons = step.Buttons.Select(b => new ButtonView(Render(step, b.Label), b.Value, b.Url)).ToList();
            if (step.Kind == StepKind.Question && buttons.Count == 0)
            {
                buttons = step.Expect switch
                {
                    AnswerKind.Choice => [.. step.Choices.Select(c => new ButtonView(c, c, null))],
                    AnswerKind.YesNo => [new ButtonView("Yes", "yes", null), new ButtonView("No", "no", null)],
                    _ => buttons,
                };
            }

            var cards = step.Cards.Select(c => new CardView(
                c.Title is null ? null : Render(step, c.Title), c.Subtitle is null ? null : Render(step, c.Subtitle),
                c.ImageUrl, [.. c.Buttons.Select(b => new ButtonView(Render(step, b.Label), b.Value, b.Url))]))
                .ToList();
            var links = step.Links.Select(l => new LinkView(Render(step, l.Label), l.Url)).ToList();
            var html = includeText && step.Html is not null
                ? ChatFlows.Sanitized(Render(step, step.Html, WebUtility.HtmlEncode))
                : null;
            return html is null && buttons.Count == 0 && cards.Count == 0 && links.Count == 0
                ? new MessageExtras(null, null, null, null, step.Id)
                : new MessageExtras(html, buttons.Count > 0 ? buttons : null, cards.Count > 0 ? cards : null,
                    links.Count > 0 ? links : null, step.Id);
        }

        private void Set(string? variable, object? value)
        {
            if (variable is not null)
            {
                _variables[variable["context.".Length..]] = value;
            }
        }

        // Counts the turn, so that another turn of the conversation saved meanwhile makes this one's save fail.
        internal void Save()
        {
            Conversation.Variables = WriteValues(_variables);
            Conversation.Turn++;
        }

        private static string JsonEscaped(string value) => JsonEncodedText.Encode(value).ToString();
    }

    public static Dictionary<string, object?> ReadValues(string json)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (JsonNode.Parse(json) is JsonObject o)
        {
            foreach (var (name, node) in o)
            {
                values[name] = Scalar(node);
            }
        }

        return values;
    }

    private static object? Scalar(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<decimal>(out var d) => d,
        _ => node.ToJsonString(),
    };

    public static string WriteValues(IReadOnlyDictionary<string, object?> values)
    {
        var o = new JsonObject();
        foreach (var (name, value) in values)
        {
            o[name] = value switch
            {
                null => null,
                string s => JsonValue.Create(s),
                bool b => JsonValue.Create(b),
                decimal d => JsonValue.Create(d),
                _ => JsonValue.Create(value.ToString()),
            };
        }

        return o.ToJsonString();
    }
}
