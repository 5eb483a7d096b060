using Communique.Assets.Storage;
using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Chat;

// Live takeover: agents (the live-takeover role, or an administrator) list the conversations waiting for them and
// the team's recent ones, take one over (one agent at a time), talk to the user, and hand it back to the bot or
// end it.
public static class LiveTakeoverApi
{
    public const int MaxHistoryDays = 45;

    public static RouteGroupBuilder MapLiveTakeover(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/chat/agent/conversations").WithTags("Live takeover").WithGroupName("chat-channel")
            .RequireTeamCaller();
        group.MapGet("", List).RequireAccess(Area.LiveTakeover, Access.View)
            .WithSummary("Conversations newest first: by state (awaiting-agent, taken-over, active, ended), bot, "
                + "agent, and time (from, to; up to 45 days back; the last 24 hours unless asked).");
        group.MapGet("/{id:guid}", Get).RequireAccess(Area.LiveTakeover, Access.View)
            .WithSummary("A conversation's state.");
        group.MapGet("/{id:guid}/messages", Messages).RequireAccess(Area.LiveTakeover, Access.View)
            .WithSummary("A conversation's messages after the sequence number `after`.");
        group.MapPost("/{id:guid}/takeover", TakeOver).RequireAccess(Area.LiveTakeover, Access.Edit)
            .WithSummary("Take the conversation over: the bot stops answering; 409 when another agent has it.");
        group.MapPost("/{id:guid}/messages", Send).RequireAccess(Area.LiveTakeover, Access.Edit)
            .WithSummary("A message from the agent who has the conversation to its user.");
        group.MapPost("/{id:guid}/handback", HandBack).RequireAccess(Area.LiveTakeover, Access.Edit)
            .WithSummary("Give the conversation back to the bot: its flow goes on where it stood.");
        group.MapPost("/{id:guid}/end", End).RequireAccess(Area.LiveTakeover, Access.Edit)
            .WithSummary("End the conversation.");
        group.MapPost("/{id:guid}/attachments", Attach).RequireAccess(Area.LiveTakeover, Access.Edit)
            .DisableAntiforgery()
            .WithSummary("A file from the agent who has the conversation to its user: multipart/form-data with an "
                + "optional text field, then the file (at most Chat:MaxAttachmentBytes); downloadable for a day.");
        group.MapGet("/{id:guid}/attachments/{attachmentId:guid}", Download)
            .RequireAccess(Area.LiveTakeover, Access.View)
            .WithSummary("Download a file sent in the conversation (410 once it has expired).");
        group.MapPost("/{id:guid}/typing", Typing).RequireAccess(Area.LiveTakeover, Access.Edit)
            .WithSummary("The agent who has the conversation is typing: shown to its user.");
        app.MapGet("/chat/agent/events", Events).WithTags("Live takeover").WithGroupName("chat-channel")
            .RequireTeamCaller().RequireAccess(Area.LiveTakeover, Access.View)
            .WithSummary("Server-sent events of the team's conversations that need or have an agent: state changes "
                + "(a conversation now awaiting an agent, taken over, handed back, ended), their messages and typing.");
        return group;
    }

    private static async Task<Results<Ok<Page<ConversationResponse>>, ValidationProblem>> List(
        string? state, Guid? botId, Guid? agentId, DateTime? from, DateTime? to, int? limit, string? cursor,
        AppDb db, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        ConversationState? wanted = null;
        if (state is not null)
        {
            if (!WireNames.TryParse<ConversationState>(state, out var parsed))
            {
                return Problems.Invalid("state", "The state is active, awaiting-agent, taken-over or ended.");
            }

            wanted = parsed;
        }

        var now = db.Now;
        var since = from?.ToUniversalTime() ?? now.AddDays(-1);
        if (since < now.AddDays(-MaxHistoryDays))
        {
            return Problems.Invalid("from", $"History goes back {MaxHistoryDays} days at most.");
        }

        var query = db.Conversations.AsNoTracking().Where(c => c.LastActivityAt >= since);
        if (to is { } until)
        {
            var end = until.ToUniversalTime();
            query = query.Where(c => c.LastActivityAt < end);
        }

        if (wanted is { } s)
        {
            query = query.Where(c => c.State == s);
        }

        if (botId is { } bot)
        {
            query = query.Where(c => c.BotId == bot);
        }

        if (agentId is { } agent)
        {
            query = query.Where(c => c.AgentId == agent);
        }

        if (after is { } last)
        {
            query = query.Where(c => c.Id.CompareTo(last) < 0);
        }

        var rows = await query.OrderByDescending(c => c.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build([.. rows.Select(ConversationResponse.From)], take, c => c.Id));
    }

    private static Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> Get(
        Guid id, AppDb db, CancellationToken cancellationToken) =>
        ChatApi.ReadConversationAsync(db, id, cancellationToken);

    private static Task<Results<Ok<MessagesResponse>, ValidationProblem, ProblemHttpResult>> Messages(
        Guid id, long? after, int? limit, AppDb db, CancellationToken cancellationToken) =>
        ChatApi.ReadMessagesAsync(db, id, after, limit, cancellationToken);

    private static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> TakeOver(
        Guid id, AppDb db, ChatRuntime runtime, TenantContext tenant, CancellationToken cancellationToken)
    {
        var agent = tenant.Caller!.SubjectId;
        var now = db.Now;
        // One conditional update: of two agents at once, exactly one finds the conversation free.
        var taken = await db.Conversations
            .Where(c => c.Id == id && (c.State == ConversationState.AwaitingAgent
                || c.State == ConversationState.Active))
            .ExecuteUpdateAsync(u => u
                .SetProperty(c => c.State, ConversationState.TakenOver)
                .SetProperty(c => c.AgentId, agent)
                .SetProperty(c => c.HandedOverAt, now)
                .SetProperty(c => c.Turn, c => c.Turn + 1), cancellationToken);
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id,
            cancellationToken);
        if (conversation is null)
        {
            return Problems.NotFound("Conversation");
        }

        if (taken == 0 && conversation.AgentId != agent)
        {
            return Problems.Conflict(conversation.State == ConversationState.Ended
                ? "The conversation has ended."
                : "Another agent has taken this conversation over.");
        }

        if (taken > 0)
        {
            runtime.Published(conversation, [], stateChanged: true);
        }

        return TypedResults.Ok(ConversationResponse.From(conversation));
    }

    private static async Task<Results<Ok<TurnResponse>, ValidationProblem, ProblemHttpResult>> Send(
        Guid id, MessageRequest request, AppDb db, ChatRuntime runtime, TenantContext tenant,
        CancellationToken cancellationToken)
    {
        if (ChatApi.CheckText(request.Text, runtime.Options) is { } invalid)
        {
            return invalid;
        }

        var (conversation, problem) = await HeldAsync(db, id, tenant, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var turn = await runtime.OpenAsync(db, conversation!, cancellationToken);
        turn.Say(ChatSender.Agent, request.Text, null, conversation!.AgentId);
        turn.Save();
        return await runtime.SaveAsync(db, turn, cancellationToken)
            ? TypedResults.Ok(ChatApi.Response(turn))
            : ChatApi.Conflict();
    }

    private static async Task<Results<Ok<TurnResponse>, ValidationProblem, ProblemHttpResult>> HandBack(
        Guid id, AppDb db, ChatRuntime runtime, TenantContext tenant, CancellationToken cancellationToken)
    {
        var (conversation, problem) = await HeldAsync(db, id, tenant, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        conversation!.State = ConversationState.Active;
        conversation.AgentId = null;
        conversation.Fallbacks = 0;
        ChatRuntime.Turn turn;
        try
        {
            turn = await runtime.ResumeAsync(db, conversation, cancellationToken);
        }
        catch (ChatTurnException e)
        {
            return Problems.Invalid("bot", e.Message);
        }

        return await runtime.SaveAsync(db, turn, cancellationToken)
            ? TypedResults.Ok(ChatApi.Response(turn))
            : ChatApi.Conflict();
    }

    private static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> End(
        Guid id, AppDb db, ChatRuntime runtime, TenantContext tenant, CancellationToken cancellationToken)
    {
        var (conversation, problem) = await HeldAsync(db, id, tenant, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var turn = await runtime.OpenAsync(db, conversation!, cancellationToken);
        turn.End("agent");
        return await runtime.SaveAsync(db, turn, cancellationToken)
            ? TypedResults.Ok(ConversationResponse.From(conversation!))
            : ChatApi.Conflict();
    }

    private static ServerSentEventsResult<object> Events(
        ChatEvents events, TenantContext tenant, HttpContext context) =>
        TypedResults.ServerSentEvents(ChatStreams.EventsAsync(events.Team(tenant.TeamId), null, [],
            e => e.Kind == "state" || (e.State is ConversationState.AwaitingAgent or ConversationState.TakenOver
                && e.Typing != "agent"),
            context));

    private static async Task<Results<NoContent, ProblemHttpResult>> Typing(
        Guid id, AppDb db, ChatEvents events, TenantContext tenant, CancellationToken cancellationToken)
    {
        var (conversation, problem) = await HeldAsync(db, id, tenant, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        events.Publish(new ChatEvent(tenant.TeamId, id, conversation!.State, "typing", Typing: "agent"));
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<TurnResponse>, ValidationProblem, ProblemHttpResult>> Attach(
        Guid id, HttpRequest request, AppDb db, IBlobStore blobs, ChatRuntime runtime, TenantContext tenant,
        CancellationToken cancellationToken)
    {
        var (conversation, problem) = await HeldAsync(db, id, tenant, cancellationToken);
        return problem is not null
            ? problem
            : await ChatFiles.UploadAsync(request, db, blobs, runtime, conversation!, ChatSender.Agent,
                cancellationToken);
    }

    private static Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(
        Guid id, Guid attachmentId, AppDb db, IBlobStore blobs, HttpResponse response,
        CancellationToken cancellationToken) =>
        ChatFiles.DownloadAsync(db, blobs, id, attachmentId, response, cancellationToken);

    // The conversation when the calling agent has it taken over.
    private static async Task<(Conversation?, ProblemHttpResult?)> HeldAsync(
        AppDb db, Guid id, TenantContext tenant, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (conversation is null)
        {
            return (null, Problems.NotFound("Conversation"));
        }

        return conversation.State == ConversationState.TakenOver && conversation.AgentId == tenant.Caller!.SubjectId
            ? (conversation, null)
            : (null, Problems.Conflict("Take the conversation over first: it is not yours."));
    }
}
