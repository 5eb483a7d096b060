using System.Buffers.Text;
using System.Net.ServerSentEvents;
using System.Security.Cryptography;
using Communique.Assets.Storage;
using Communique.Data;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Communique.Chat;

// The chat endpoints a customer's web page calls, without an account: a widget's look, a new conversation with the
// widget's bot (answered with the conversation's token), then the user's words, the messages and a stream of
// events, each with that token (X-Chat-Token, or ?token= where a browser cannot set headers, as for EventSource).
// Any origin may call them (no cookies are involved); a widget may name the origins it belongs to. The widget's
// script is served here too: a page needs nothing but its tag.
public static class PublicChatApi
{
    public const string CorsPolicy = "chat-widget";
    public const string TokenHeader = "X-Chat-Token";

    // The widget's script (Widget/widget.js, embedded in the assembly), read once; its ETag is a hash of its bytes,
    // so a browser's copy is checked again after a few minutes and fetched again only when an upgrade changed it.
    private static readonly byte[] Script = ReadScript();
    private static readonly EntityTagHeaderValue ScriptTag =
        new($"\"{Base64Url.EncodeToString(SHA256.HashData(Script).AsSpan(0, 16))}\"");

    public static IServiceCollection AddPublicChat(this IServiceCollection services) =>
        services.AddCors(o => o.AddPolicy(CorsPolicy, p => p.AllowAnyOrigin()
            .WithMethods("GET", "POST").WithHeaders("Content-Type", TokenHeader).WithExposedHeaders("Location")));

    public static RouteGroupBuilder MapPublicChat(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/public/chat").WithTags("Chat widget").WithGroupName("public").AllowAnonymous()
            .RequireCors(CorsPolicy);
        group.MapGet("/widgets/{key}", Widget)
            .WithSummary("How a widget looks: its title, colour and avatar.");
        group.MapPost("/widgets/{key}/conversations", Start)
            .WithSummary("Start a conversation with the widget's bot; the answer holds the conversation's token, "
                + "which every later call of the conversation sends.");
        group.MapPost("/conversations/{id:guid}/messages", Send)
            .WithSummary("The user's words; the answer holds the bot's replies.");
        group.MapGet("/conversations/{id:guid}/messages", Messages)
            .WithSummary("The conversation's messages after the sequence number `after`.");
        group.MapGet("/conversations/{id:guid}/events", Events)
            .WithSummary("Server-sent events: the messages after `after` (or Last-Event-ID), then new messages, "
                + "state changes and typing as they happen.");
        group.MapPost("/conversations/{id:guid}/attachments", Attach).DisableAntiforgery()
            .WithSummary("A file from the user to the agent: multipart/form-data with an optional text field, then "
                + "the file; downloadable for a day.");
        group.MapGet("/conversations/{id:guid}/attachments/{attachmentId:guid}", Download)
            .WithSummary("Download a file sent in the conversation (410 once it has expired).");
        group.MapPost("/conversations/{id:guid}/typing", Typing)
            .WithSummary("The user is typing: shown to the agent who has the conversation.");
        group.MapGet("/widget.js", WidgetScript)
            .WithSummary("The widget's script, which a page includes with the tag a widget's `scriptTag` gives.");
        return group;
    }

    public sealed record WidgetResponse(string Title, string Colour, string? AvatarUrl);

    public sealed record PublicStartRequest(
        [property: System.ComponentModel.DataAnnotations.MaxLength(200)] string? ExternalUserId,
        [property: System.ComponentModel.DataAnnotations.MaxLength(ChatApi.MaxUserAttributes)]
        Dictionary<string, System.Text.Json.JsonElement>? User);

    public sealed record PublicTurnResponse(
        ConversationResponse Conversation, string Token, IReadOnlyList<MessageResponse> Messages);

    private static async Task<Results<Ok<WidgetResponse>, ProblemHttpResult>> Widget(
        string key, AppDb db, HttpRequest request, CancellationToken cancellationToken)
    {
        var widget = await FindWidgetAsync(db, key, cancellationToken);
        if (widget is null || !OriginAllowed(widget, request))
        {
            return Problems.NotFound("Widget");
        }

        return TypedResults.Ok(new WidgetResponse(widget.Title, widget.Colour, widget.AvatarUrl));
    }

    private static async Task<Results<Created<PublicTurnResponse>, ValidationProblem, ProblemHttpResult>> Start(
        string key, PublicStartRequest body, AppDb db, ChatFlowCache flows, ChatRuntime runtime, ChatTokens tokens,
        TenantContext tenant, HttpRequest request, CancellationToken cancellationToken)
    {
        var widget = await FindWidgetAsync(db, key, cancellationToken);
        if (widget is null || !OriginAllowed(widget, request))
        {
            return Problems.NotFound("Widget");
        }

        tenant.EnterTeam(widget.TeamId);
        var (turn, invalid, problem) = await ChatApi.StartAsync(widget.BotId,
            new StartConversationRequest(body.ExternalUserId, body.User, "widget"), "widget", db, flows, runtime,
            tenant, cancellationToken);
        if (turn is null)
        {
            return invalid is not null ? invalid : problem!;
        }

        var id = turn.Conversation.Id;
        return TypedResults.Created($"/public/chat/conversations/{id}",
            new PublicTurnResponse(ConversationResponse.From(turn.Conversation), tokens.Create(id),
                [.. turn.Added.Select(MessageResponse.From)]));
    }

    private static async Task<Results<Ok<TurnResponse>, ValidationProblem, ProblemHttpResult>> Send(
        Guid id, MessageRequest body, AppDb db, ChatRuntime runtime, ChatFlowCache flows, ChatTokens tokens,
        TenantContext tenant, HttpRequest request, CancellationToken cancellationToken)
    {
        if (ChatApi.CheckText(body.Text, runtime.Options) is { } invalid)
        {
            return invalid;
        }

        if (!await EnterAsync(db, id, tokens, tenant, request, cancellationToken))
        {
            return Problems.NotFound("Conversation");
        }

        // A failed turn's reason is the bot designer's business, not the visitor's.
        var conversation = await db.Conversations.FirstAsync(c => c.Id == id, cancellationToken);
        return await ChatApi.ReceiveAsync(db, conversation, body.Text!, flows, runtime,
            _ => "The bot could not answer this message.", cancellationToken);
    }

    private static async Task<Results<Ok<MessagesResponse>, ValidationProblem, ProblemHttpResult>> Messages(
        Guid id, long? after, int? limit, AppDb db, ChatTokens tokens, TenantContext tenant, HttpRequest request,
        CancellationToken cancellationToken)
    {
        return await EnterAsync(db, id, tokens, tenant, request, cancellationToken)
            ? await ChatApi.ReadMessagesAsync(db, id, after, limit, cancellationToken)
            : Problems.NotFound("Conversation");
    }

    // The database is used in a scope of its own that ends before the stream starts: a request's scope would hold its
    // database connection for as long as the stream stays open.
    private static async Task<Results<ServerSentEventsResult<object>, ValidationProblem, ProblemHttpResult>> Events(
        Guid id, long? after, [FromHeader(Name = "Last-Event-ID")] long? lastEventId, IServiceScopeFactory scopes,
        ChatTokens tokens, ChatEvents events, HttpRequest request, CancellationToken cancellationToken)
    {
        List<MessageResponse> backlog;
        ChatSubscription subscription;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
            if (!await EnterAsync(db, id, tokens, tenant, request, cancellationToken))
            {
                return Problems.NotFound("Conversation");
            }

            // Subscribed before the backlog is read, so that no message falls between the two.
            subscription = events.Conversation(id);
            try
            {
                var from = lastEventId ?? after ?? 0;
                backlog = [.. (await db.ChatMessages.AsNoTracking()
                    .Where(m => m.ConversationId == id && m.Sequence > from)
                    .OrderBy(m => m.Sequence).Take(Paging.MaxLimit).ToListAsync(cancellationToken))
                    .Select(MessageResponse.From)];
            }
            catch
            {
                subscription.Dispose();
                throw;
            }
        }

        return TypedResults.ServerSentEvents(ChatStreams.EventsAsync(subscription, id, backlog, _ => true,
            request.HttpContext, cancellationToken));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Typing(
        Guid id, AppDb db, ChatTokens tokens, ChatEvents events, TenantContext tenant, HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (!await EnterAsync(db, id, tokens, tenant, request, cancellationToken))
        {
            return Problems.NotFound("Conversation");
        }

        var state = await db.Conversations.Where(c => c.Id == id).Select(c => c.State).FirstAsync(cancellationToken);
        events.Publish(new ChatEvent(tenant.TeamId, id, state, "typing", Typing: "user"));
        return TypedResults.NoContent();
    }

    // A page loads the script with a plain script tag, which sends no Origin, so the header is set here rather than
    // left to the CORS policy; it lets a page that loads it with `crossorigin` read it too.
    private static FileContentHttpResult WidgetScript(HttpResponse response)
    {
        response.Headers.CacheControl = "public, max-age=300";
        response.Headers.AccessControlAllowOrigin = "*";
        return TypedResults.Bytes(Script, "text/javascript; charset=utf-8", entityTag: ScriptTag);
    }

    private static byte[] ReadScript()
    {
        using var stream = typeof(PublicChatApi).Assembly.GetManifestResourceStream("Chat.Widget.widget.js")
            ?? throw new InvalidOperationException("The widget's script is not embedded in the assembly.");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    private static async Task<Results<Ok<TurnResponse>, ValidationProblem, ProblemHttpResult>> Attach(
        Guid id, HttpRequest request, AppDb db, IBlobStore blobs, ChatRuntime runtime, ChatTokens tokens,
        TenantContext tenant, CancellationToken cancellationToken)
    {
        if (!await EnterAsync(db, id, tokens, tenant, request, cancellationToken))
        {
            return Problems.NotFound("Conversation");
        }

        var conversation = await db.Conversations.FirstAsync(c => c.Id == id, cancellationToken);
        return conversation.State == ConversationState.Ended
            ? ChatApi.Ended("The conversation has ended; start a new one.")
            : await ChatFiles.UploadAsync(request, db, blobs, runtime, conversation, ChatSender.User,
                cancellationToken);
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(
        Guid id, Guid attachmentId, AppDb db, IBlobStore blobs, ChatTokens tokens, TenantContext tenant,
        HttpRequest request, CancellationToken cancellationToken) =>
        await EnterAsync(db, id, tokens, tenant, request, cancellationToken)
            ? await ChatFiles.DownloadAsync(db, blobs, id, attachmentId, request.HttpContext.Response,
                cancellationToken)
            : Problems.NotFound("Conversation");

    // Acts for the conversation's team when the request carries the conversation's token. A wrong token and an
    // unknown conversation answer alike.
    private static async Task<bool> EnterAsync(
        AppDb db, Guid id, ChatTokens tokens, TenantContext tenant, HttpRequest request, CancellationToken ct)
    {
        var token = request.Headers[TokenHeader].FirstOrDefault() ?? request.Query["token"].FirstOrDefault();
        if (!tokens.Matches(id, token))
        {
            return false;
        }

        var team = await db.Conversations.IgnoreQueryFilters().Where(c => c.Id == id).Select(c => (Guid?)c.TeamId)
            .FirstOrDefaultAsync(ct);
        if (team is not { } teamId)
        {
            return false;
        }

        tenant.EnterTeam(teamId);
        return true;
    }

    private static Task<ChatWidget?> FindWidgetAsync(AppDb db, string key, CancellationToken ct) =>
        key.Length is < 16 or > 32
            ? Task.FromResult<ChatWidget?>(null)
            : db.ChatWidgets.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(w => w.Key == key, ct);

    // A widget that names its origins answers pages of those only.
    private static bool OriginAllowed(ChatWidget widget, HttpRequest request) =>
        AllowedOrigins.Allow(widget.AllowedOrigins, request);
}
