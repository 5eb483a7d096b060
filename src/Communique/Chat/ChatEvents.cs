using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Communique.Chat;

// Something that happened in a conversation, for the clients streaming it: a message, a new state, or someone
// typing ("user", "agent").
// State is the conversation's at the time, which says whether agents' streams show it.
public sealed record ChatEvent(
    Guid TeamId, Guid ConversationId, ConversationState State, string Kind, MessageResponse? Message = null,
    string? Typing = null);

// Hands a conversation's events to the streams open on this node: the user's (one conversation) and the agents'
// (every conversation of a team). A stream that falls behind loses its oldest events, never blocks a turn; a client
// that reconnects asks for the messages after the last it has.
public sealed class ChatEvents
{
    public const int Buffered = 64;

    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<ChatSubscription, byte>> _byKey = new();

    public ChatSubscription Conversation(Guid conversationId) => Subscribe(conversationId);

    public ChatSubscription Team(Guid teamId) => Subscribe(teamId);

    public int Streams => _byKey.Values.Sum(s => s.Count);

    // Whether a stream on this node shows the conversation's events: most turns have none, and need no event made.
    public bool Listens(Guid teamId, Guid conversationId) =>
        _byKey.ContainsKey(conversationId) || _byKey.ContainsKey(teamId);

    public void Publish(ChatEvent chatEvent)
    {
        ArgumentNullException.ThrowIfNull(chatEvent);
        foreach (var key in (Guid[])[chatEvent.ConversationId, chatEvent.TeamId])
        {
            if (_byKey.TryGetValue(key, out var subscriptions))
            {
                foreach (var subscription in subscriptions.Keys)
                {
                    subscription.Writer.TryWrite(chatEvent);
                }
            }
        }
    }

    private ChatSubscription Subscribe(Guid key)
    {
        var subscription = new ChatSubscription(this, key);
        _byKey.GetOrAdd(key, _ => new ConcurrentDictionary<ChatSubscription, byte>())[subscription] = 0;
        return subscription;
    }

    internal void Remove(ChatSubscription subscription)
    {
        if (_byKey.TryGetValue(subscription.Key, out var subscriptions))
        {
            subscriptions.TryRemove(subscription, out _);
            if (subscriptions.IsEmpty)
            {
                _byKey.TryRemove(KeyValuePair.Create(subscription.Key, subscriptions));
            }
        }
    }
}

public sealed class ChatSubscription : IDisposable
{
    private readonly ChatEvents _events;
    private readonly Channel<ChatEvent> _channel = Channel.CreateBounded<ChatEvent>(
        new BoundedChannelOptions(ChatEvents.Buffered)
        {
            FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false,
        });

    internal ChatSubscription(ChatEvents events, Guid key)
    {
        _events = events;
        Key = key;
    }

    internal Guid Key { get; }
    internal ChannelWriter<ChatEvent> Writer => _channel.Writer;
    public ChannelReader<ChatEvent> Reader => _channel.Reader;

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _events.Remove(this);
    }
}
