using System.Net;
using System.Text.Json;
using Communique.Auth;
using Communique.Chat.Sms;
using Communique.Data;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Chat;

// The REST channel of the chat runtime: start a conversation with a bot, send the user's words and get the bot's
// answers, read a conversation's messages after a sequence number. Every turn is saved before it is answered.
public static partial class ChatApi
{
    public const int MaxUserAttributes = 50;

    public static RouteGroupBuilder MapChat(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/chat").WithTags("Chat").WithGroupName("chat-channel").RequireTeamCaller();
        group.MapPost("/bots/{botId:guid}/conversations", Start).RequireAccess(Area.Communications, Access.View)
            .WithSummary("Start a conversation with a bot (a chat communication): the flow runs from its start until "
                + "it waits for the user; the answer holds the bot's first messages.");
        group.MapGet("/conversations/{id:guid}", Get).RequireAccess(Area.Communications, Access.View)
            .WithSummary("A conversation's state.");
        group.MapPost("/conversations/{id:guid}/messages", Send).RequireAccess(Area.Communications, Access.View)
            .WithSummary("The user's words: the bot's answers come back (none while an agent has the conversation).");
        group.MapGet("/conversations/{id:guid}/messages", Messages).RequireAccess(Area.Communications, Access.View)
            .WithSummary("A conversation's messages after the sequence number `after` (0: from the first).");
        group.MapPost("/conversations/{id:guid}/end", End).RequireAccess(Area.Communications, Access.View)
            .WithSummary("End a conversation.");
        group.MapPost("/bots/{botId:guid}/widgets", CreateWidget).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("A web chat widget for the bot: its key and the script tag to put on the site's pages.");
        group.MapGet("/bots/{botId:guid}/widgets", Widgets).RequireAccess(Area.Communications, Access.View)
            .WithSummary("The bot's widgets.");
        group.MapDelete("/widgets/{id:guid}", DeleteWidget).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Remove a widget: pages with its tag can no longer start conversations.");
        group.MapGet("/settings", Settings).RequireAccess(Area.TeamAdministration, Access.View)
            .WithSummary("The team's chat settings.");
        group.MapPut("/settings", SaveSettings).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("The private networks (CIDR blocks) the team's bots may call; none by default.");
        return group;
    }

    private static async Task<Results<Created<TurnResponse>, ValidationProblem, ProblemHttpResult>> Start(
        Guid botId, StartConversationRequest request, AppDb db, ChatFlowCache flows, ChatRuntime runtime,
        TenantContext tenant, CancellationToken cancellationToken)
    {
        var (turn, invalid, problem) = await StartAsync(
            botId, request, request.Channel ?? "rest", db, flows, runtime, tenant, cancellationToken);
        return turn is not null
            ? TypedResults.Created($"/chat/conversations/{turn.Conversation.Id}", Response(turn))
            : invalid is not null ? invalid : problem!;
    }

    // A new conversation of the team's bot, its first turn run and saved.
    internal static async Task<(ChatRuntime.Turn?, ValidationProblem?, ProblemHttpResult?)> StartAsync(
        Guid botId, StartConversationRequest request, string channel, AppDb db, ChatFlowCache flows,
        ChatRuntime runtime, TenantContext tenant, CancellationToken cancellationToken)
    {
        if (request.User is { Count: > MaxUserAttributes })
        {
            return (null, Problems.Invalid("user", $"At most {MaxUserAttributes} user attributes."), null);
        }

        var user = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in request.User ?? [])
        {
            if (!ChatFlows.IsName(name))
            {
                return (null, Problems.Invalid("user", $"'{name}' is not an attribute name (letters, digits and _)."),
                    null);
            }

            if (!TryScalar(value, out var scalar))
            {
                return (null, Problems.Invalid($"user.{name}", "An attribute is a string (up to 1,000 characters), " +
                    "a number, a boolean or null."), null);
            }

            user[name] = scalar;
        }

        if (channel is not ("rest" or "stream" or "widget" or "sms"))
        {
            return (null, Problems.Invalid("channel", "The channel is rest, stream, widget or sms."), null);
        }

        if (await flows.CurrentAsync(db, botId, cancellationToken) is not { } bot)
        {
            return (null, null, Problems.NotFound("Bot"));
        }

        if (channel == SmsChannel.ChannelName)
        {
            if (!SmsSettings.IsPhoneNumber(request.ExternalUserId))
            {
                return (null, Problems.Invalid("externalUserId",
                    "An SMS conversation's externalUserId is the user's number in E.164 (+ and up to 15 digits)."),
                    null);
            }

            if (!await db.SmsSettings.AnyAsync(cancellationToken))
            {
                return (null, Problems.Invalid("channel", "The team has no SMS settings yet (PUT /chat/sms)."), null);
            }
        }

        var conversation = NewConversation(db, tenant.TeamId, botId, bot.Version, channel, request.ExternalUserId,
            ChatRuntime.WriteValues(user));
        ChatRuntime.Turn turn;
        try
        {
            turn = await runtime.StartAsync(db, conversation, cancellationToken);
        }
        catch (ChatTurnException e)
        {
            return (null, Problems.Invalid("bot", e.Message), null);
        }

        await runtime.SaveAsync(db, turn, cancellationToken);
        return (turn, null, null);
    }

    // A conversation with the bot's current flow, added to the unit of work; its first turn is the caller's.
    internal static Conversation NewConversation(
        AppDb db, Guid teamId, Guid botId, int version, string channel, string? externalUserId, string user)
    {
        var now = db.Now;
        var conversation = new Conversation
        {
            TeamId = teamId,
            BotId = botId,
            FlowBotId = botId,
            FlowVersion = version,
            Channel = channel,
            ExternalUserId = externalUserId,
            Variables = "{}",
            UserAttributes = user,
            CreatedAt = now,
            LastActivityAt = now,
        };
        db.Conversations.Add(conversation);
        return conversation;
    }

    private static Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> Get(
        Guid id, AppDb db, CancellationToken cancellationToken) => ReadConversationAsync(db, id, cancellationToken);

    internal static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> ReadConversationAsync(
        AppDb db, Guid id, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id,
            cancellationToken);
        return conversation is null
            ? Problems.NotFound("Conversation")
            : TypedResults.Ok(ConversationResponse.From(conversation));
    }

    private static async Task<Results<Ok<TurnResponse>, ValidationProblem, ProblemHttpResult>> Send(
        Guid id, MessageRequest request, AppDb db, ChatRuntime runtime, ChatFlowCache flows,
        CancellationToken cancellationToken)
    {
        if (CheckText(request.Text, runtime.Options) is { } invalid)
        {
            return invalid;
        }

        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return conversation is null
            ? Problems.NotFound("Conversation")
            : await ReceiveAsync(db, conversation, request.Text!, flows, runtime, e => e.Message, cancellationToken);
    }

    // The user's words to a conversation of the caller's team, its turn run and saved. failure: what the caller is
    // told when the turn fails.
    internal static async Task<Results<Ok<TurnResponse>, ValidationProblem, ProblemHttpResult>> ReceiveAsync(
        AppDb db, Conversation conversation, string text, ChatFlowCache flows, ChatRuntime runtime,
        Func<ChatTurnException, string> failure, CancellationToken cancellationToken)
    {
        if (await EndIfSilentAsync(db, conversation, flows, runtime, cancellationToken))
        {
            return Ended("The conversation ended after a silence; start a new one.");
        }

        if (conversation.State == ConversationState.Ended)
        {
            return Ended("The conversation has ended; start a new one.");
        }

        ChatRuntime.Turn turn;
        try
        {
            turn = await runtime.ReceiveAsync(db, conversation, text, cancellationToken);
        }
        catch (ChatTurnException e)
        {
            return Problems.Invalid("text", failure(e));
        }

        return await runtime.SaveAsync(db, turn, cancellationToken)
            ? TypedResults.Ok(Response(turn))
            : Conflict();
    }

    private static async Task<Results<Ok<MessagesResponse>, ValidationProblem, ProblemHttpResult>> Messages(
        Guid id, long? after, int? limit, AppDb db, CancellationToken cancellationToken)
    {
        return await ReadMessagesAsync(db, id, after, limit, cancellationToken);
    }

    internal static async Task<Results<Ok<MessagesResponse>, ValidationProblem, ProblemHttpResult>>
        ReadMessagesAsync(AppDb db, Guid id, long? after, int? limit, CancellationToken cancellationToken)
    {
        if (after is < 0)
        {
            return Problems.Invalid("after", "after is a message's sequence number, 0 or more.");
        }

        var take = limit ?? Paging.DefaultLimit;
        if (take is < 1 or > Paging.MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {Paging.MaxLimit}.");
        }

        if (!await db.Conversations.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return Problems.NotFound("Conversation");
        }

        var from = after ?? 0;
        var messages = await db.ChatMessages.AsNoTracking()
            .Where(m => m.ConversationId == id && m.Sequence > from)
            .OrderBy(m => m.Sequence).Take(take).ToListAsync(cancellationToken);
        return TypedResults.Ok(new MessagesResponse([.. messages.Select(MessageResponse.From)],
            messages.Count > 0 ? messages[^1].Sequence : from));
    }

    private static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> End(
        Guid id, AppDb db, ChatRuntime runtime, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (conversation is null)
        {
            return Problems.NotFound("Conversation");
        }

        if (conversation.State != ConversationState.Ended)
        {
            var turn = await runtime.OpenAsync(db, conversation, cancellationToken);
            turn.End("api");
            if (!await runtime.SaveAsync(db, turn, cancellationToken))
            {
                return Conflict();
            }
        }

        return TypedResults.Ok(ConversationResponse.From(conversation));
    }

    private static async Task<Results<Created<WidgetResponse>, ValidationProblem, ProblemHttpResult>> CreateWidget(
        Guid botId, WidgetRequest request, AppDb db, TenantContext tenant, HttpRequest http,
        CancellationToken cancellationToken)
    {
        var colour = request.Colour ?? "#1a56db";
        if (!WidgetColour().IsMatch(colour))
        {
            return Problems.Invalid("colour", "The colour is #rrggbb.");
        }

        if (request.AvatarUrl is not null && !(Uri.TryCreate(request.AvatarUrl, UriKind.Absolute, out var avatar)
                && avatar.Scheme == Uri.UriSchemeHttps))
        {
            return Problems.Invalid("avatarUrl", "The avatar is an https URL.");
        }

        if (!AllowedOrigins.TryJoin(request.AllowedOrigins, out var origins, out var originProblem))
        {
            return Problems.Invalid("allowedOrigins", originProblem!);
        }

        if (!await db.Communications.AnyAsync(c => c.Id == botId && c.Channel == Communications.Channel.Chat,
                cancellationToken))
        {
            return Problems.NotFound("Bot");
        }

        var widget = new ChatWidget
        {
            TeamId = tenant.TeamId,
            BotId = botId,
            Key = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator
                .GetBytes(16)),
            Title = string.IsNullOrWhiteSpace(request.Title) ? "Chat" : request.Title.Trim(),
            Colour = colour.ToLowerInvariant(),
            AvatarUrl = request.AvatarUrl,
            AllowedOrigins = origins,
            CreatedAt = db.Now,
        };
        db.ChatWidgets.Add(widget);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/chat/bots/{botId}/widgets", WidgetResponse.From(widget, http));
    }

    private static async Task<Results<Ok<List<WidgetResponse>>, ProblemHttpResult>> Widgets(
        Guid botId, AppDb db, HttpRequest http, CancellationToken cancellationToken)
    {
        if (!await db.Communications.AnyAsync(c => c.Id == botId && c.Channel == Communications.Channel.Chat,
                cancellationToken))
        {
            return Problems.NotFound("Bot");
        }

        var widgets = await db.ChatWidgets.AsNoTracking().Where(w => w.BotId == botId).OrderBy(w => w.Id)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(widgets.Select(w => WidgetResponse.From(w, http)).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteWidget(
        Guid id, AppDb db, CancellationToken cancellationToken) =>
        await db.ChatWidgets.Where(w => w.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? Problems.NotFound("Widget")
            : TypedResults.NoContent();

    private static async Task<Ok<ChatSettingsResponse>> Settings(AppDb db, CancellationToken cancellationToken)
    {
        var networks = await ChatSettings.AllowedNetworksAsync(db, cancellationToken);
        return TypedResults.Ok(new ChatSettingsResponse([.. networks.Select(n => n.ToString())]));
    }

    private static async Task<Results<Ok<ChatSettingsResponse>, ValidationProblem>> SaveSettings(
        ChatSettingsRequest request, AppDb db, TenantContext tenant, CancellationToken cancellationToken)
    {
        var given = request.AllowedNetworks ?? [];
        if (given.Count > ChatSettings.MaxNetworks)
        {
            return Problems.Invalid("allowedNetworks", $"At most {ChatSettings.MaxNetworks} networks.");
        }

        var networks = new List<IPNetwork>();
        foreach (var text in given)
        {
            if (!IPNetwork.TryParse(text?.Trim() ?? "", out var network))
            {
                return Problems.Invalid("allowedNetworks", $"'{text}' is not a CIDR block, e.g. 10.20.0.0/16.");
            }

            networks.Add(network);
        }

        var settings = await db.ChatSettings.FirstOrDefaultAsync(cancellationToken);
        if (settings is null)
        {
            settings = new ChatSettings { TeamId = tenant.TeamId };
            db.ChatSettings.Add(settings);
        }

        settings.AllowedNetworks = string.Join(' ', networks.Select(n => n.ToString()));
        settings.UpdatedAt = db.Now;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new ChatSettingsResponse([.. networks.Select(n => n.ToString())]));
    }

    internal static ValidationProblem? CheckText(string? text, ChatOptions options)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Problems.Invalid("text", "Give the message's text.");
        }

        return text.Length > options.MaxMessageChars
            ? Problems.Invalid("text", $"A message is at most {options.MaxMessageChars} characters.")
            : null;
    }

    // Ends the conversation when it has been silent longer than its bot or the product allows.
    internal static async Task<bool> EndIfSilentAsync(
        AppDb db, Conversation conversation, ChatFlowCache flows, ChatRuntime runtime, CancellationToken ct)
    {
        if (conversation.State == ConversationState.Ended)
        {
            return false;
        }

        var flow = await flows.VersionAsync(db, conversation.FlowBotId, conversation.FlowVersion, ct);
        var silence = flow.Timeout is { } timeout && timeout < runtime.Options.Silence
            ? timeout
            : runtime.Options.Silence;
        if (db.Now - conversation.LastActivityAt <= silence)
        {
            return false;
        }

        var turn = await runtime.OpenAsync(db, conversation, ct);
        turn.End("silence");
        await runtime.SaveAsync(db, turn, ct);
        return true;
    }

    internal static ProblemHttpResult Ended(string detail) =>
        TypedResults.Problem(
            detail, statusCode: 409, title: "Conversation ended", type: ProblemTypes.ConversationEnded);

    internal static ProblemHttpResult Conflict() =>
        Problems.Conflict("Another message of this conversation was handled at the same time: send again.");

    internal static TurnResponse Response(ChatRuntime.Turn turn) =>
        new(ConversationResponse.From(turn.Conversation), [.. turn.Added.Select(MessageResponse.From)]);

    private static bool TryScalar(JsonElement value, out object? scalar)
    {
        scalar = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.String when value.GetString()!.Length <= 1000:
                scalar = value.GetString();
                return true;
            case JsonValueKind.Number when value.TryGetDecimal(out var d):
                scalar = d;
                return true;
            case JsonValueKind.True or JsonValueKind.False:
                scalar = value.GetBoolean();
                return true;
            case JsonValueKind.Null:
                return true;
            default:
                return false;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^#[0-9a-fA-F]{6}$", default, matchTimeoutMilliseconds: 100)]
    private static partial System.Text.RegularExpressions.Regex WidgetColour();
}
