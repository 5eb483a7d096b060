using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Communique.Http;

namespace Communique.Chat;

// Starts a conversation with a bot: who the user is in the company's systems and what the flow may read of them
// (user.*: strings, numbers, booleans).
public sealed record StartConversationRequest(
    [property: MaxLength(200)] string? ExternalUserId,
    [property: MaxLength(ChatApi.MaxUserAttributes)] Dictionary<string, JsonElement>? User,
    [property: MaxLength(16)] string? Channel);

// Chat:MaxMessageChars (4,000 by default) is the limit; this one is the most that setting may be.
public sealed record MessageRequest([property: MaxLength(100_000)] string? Text);

public sealed record ChatSettingsRequest(
    [property: MaxLength(ChatSettings.MaxNetworks), EachMaxLength(64)] List<string>? AllowedNetworks);

public sealed record ChatSettingsResponse(IReadOnlyList<string> AllowedNetworks);

public sealed record ConversationResponse(
    Guid Id,
    Guid BotId,
    string State,
    string Channel,
    string? ExternalUserId,
    Guid? AgentId,
    int Fallbacks,
    long LastSequence,
    DateTime CreatedAt,
    DateTime LastActivityAt,
    DateTime? EndedAt,
    string? EndReason)
{
    public static ConversationResponse From(Conversation c) => new(c.Id, c.BotId, WireNames.Of(c.State), c.Channel,
        c.ExternalUserId, c.AgentId, c.Fallbacks, c.LastSequence, c.CreatedAt, c.LastActivityAt, c.EndedAt,
        c.EndReason);
}

public sealed record MessageResponse(
    long Sequence,
    string Sender,
    string? Text,
    string? Html,
    IReadOnlyList<ButtonView>? Buttons,
    IReadOnlyList<CardView>? Cards,
    IReadOnlyList<LinkView>? Links,
    string? Interaction,
    Guid? AgentId,
    DateTime CreatedAt,
    AttachmentView? Attachment = null)
{
    public static MessageResponse From(ChatMessage m)
    {
        var extras = m.Payload is null ? null : JsonSerializer.Deserialize<MessageExtras>(m.Payload, ChatFlows.Json);
        return new MessageResponse(m.Sequence, WireNames.Of(m.Sender), m.Text, extras?.Html, extras?.Buttons,
            extras?.Cards, extras?.Links, extras?.Interaction, m.AgentId, m.CreatedAt, extras?.Attachment);
    }
}

// A turn's outcome: the conversation as the turn left it and the messages the turn added, the user's own first.
public sealed record TurnResponse(ConversationResponse Conversation, IReadOnlyList<MessageResponse> Messages);

// Messages after a sequence number; Next is the number to ask after for the ones that follow.
public sealed record MessagesResponse(IReadOnlyList<MessageResponse> Items, long Next);

public sealed record WidgetRequest(
    [property: MaxLength(100)] string? Title,
    [property: MaxLength(7)] string? Colour,
    [property: MaxLength(2000)] string? AvatarUrl,
    [property: MaxLength(20), EachMaxLength(200)] List<string>? AllowedOrigins);

// A widget and the tag that puts it on a page (the server's own address as this request reached it).
public sealed record WidgetResponse(
    Guid Id, Guid BotId, string Key, string Title, string Colour, string? AvatarUrl,
    IReadOnlyList<string> AllowedOrigins, string ScriptTag, DateTime CreatedAt)
{
    public static WidgetResponse From(ChatWidget w, Microsoft.AspNetCore.Http.HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(request);
        var server = $"{request.Scheme}://{request.Host}{request.PathBase}";
        return new WidgetResponse(w.Id, w.BotId, w.Key, w.Title, w.Colour, w.AvatarUrl,
            w.AllowedOrigins.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            $"<script src=\"{server}/public/chat/widget.js\" data-widget=\"{w.Key}\" async></script>", w.CreatedAt);
    }
}
