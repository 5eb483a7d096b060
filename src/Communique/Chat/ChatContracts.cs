using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Communique.Http;

namespace Communique.Chat;

// Starts a conversation with a bot: who the user is in the company's systems and what the flow may read of them
// (user.*: strings, numbers, booleans).
public sealed record StartConversationRequest(
    [property: MaxLength(200)] string? ExternalUserId,
    Dictionary<string, JsonElement>? User,
    [property: MaxLength(16)] string? Channel);

public sealed record MessageRequest(string? Text);

public sealed record ChatSettingsRequest(List<string>? AllowedNetworks);

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
    DateTime CreatedAt)
{
    public static MessageResponse From(ChatMessage m)
    {
        var extras = m.Payload is null ? null : JsonSerializer.Deserialize<MessageExtras>(m.Payload, ChatFlows.Json);
        return new MessageResponse(m.Sequence, WireNames.Of(m.Sender), m.Text, extras?.Html, extras?.Buttons,
            extras?.Cards, extras?.Links, extras?.Interaction, m.AgentId, m.CreatedAt);
    }
}

// A turn's outcome: the conversation as it now stands and the messages the turn added, the user's own first.
public sealed record TurnResponse(ConversationResponse Conversation, IReadOnlyList<MessageResponse> Messages);

// Messages after a sequence number; Next is the number to ask after for the ones that follow.
public sealed record MessagesResponse(IReadOnlyList<MessageResponse> Items, long Next);
