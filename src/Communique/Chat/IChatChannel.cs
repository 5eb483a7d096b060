namespace Communique.Chat;

// A channel that carries the bot's and the agents' messages to the user itself, after each saved turn (SMS); the
// REST, streaming and widget channels need none, their clients read the messages.
public interface IChatChannel
{
    string Name { get; }

    Task DeliverAsync(Conversation conversation, IReadOnlyList<ChatMessage> messages, CancellationToken ct);
}
