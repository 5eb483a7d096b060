using Communique.Tenancy;

namespace Communique.Chat;

public enum ConversationState
{
    Active,
    AwaitingAgent,
    TakenOver,
    Ended,
}

// A conversation with a bot, as it stands after its last turn: everything the runtime needs to carry on is here, so
// a restart or another node picks it up at the next message.
public sealed class Conversation : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }

    // The bot the conversation was started with, and the bot and version whose flow it is in now (a link moves it to
    // another bot of the team).
    public Guid BotId { get; set; }
    public Guid FlowBotId { get; set; }
    public int FlowVersion { get; set; }

    // The interaction the flow stands at: a question or intent waiting for the user's words, or where it goes on
    // when an agent hands the conversation back. Null once the flow has ended.
    public string? Position { get; set; }
    public int Attempts { get; set; }
    public int Fallbacks { get; set; }
    public ConversationState State { get; set; }
    public required string Channel { get; set; }
    public string? ExternalUserId { get; set; }

    // JSON objects of the context variables and the user's attributes.
    public required string Variables { get; set; }
    public required string UserAttributes { get; set; }

    public Guid? AgentId { get; set; }
    public string? EndReason { get; set; }
    public long LastSequence { get; set; }

    // Also the concurrency token: two turns of one conversation at once cannot both be saved.
    public int Turn { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastActivityAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public DateTime? HandedOverAt { get; set; }
}

public enum ChatSender
{
    User,
    Bot,
    Agent,
    System,
}

// One message of a conversation, numbered in order from 1: a client asks for the messages after the last it has.
public sealed class ChatMessage : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid ConversationId { get; set; }
    public long Sequence { get; set; }
    public ChatSender Sender { get; set; }
    public string? Text { get; set; }

    // What else the message shows, as JSON: HTML, buttons, cards, links, the interaction it came from.
    public string? Payload { get; set; }
    public Guid? AgentId { get; set; }
    public DateTime CreatedAt { get; set; }
}
