using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Communique.Http;

namespace Communique.Chat;

// What a stream sends, as server-sent events: "message" (a MessageResponse, its sequence number as the event id),
// "state" and "typing" ({conversationId, state, typing}), and a "ping" every so often so that proxies keep an idle
// stream open.
public static class ChatStreams
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public sealed record StreamNotice(Guid ConversationId, string State, string? Typing);

    // The backlog first (one conversation's messages read after subscribing, so that nothing falls between), then
    // the events `shows` lets through, until the client goes or the server stops.
    public static async IAsyncEnumerable<SseItem<object>> EventsAsync(
        ChatSubscription subscription, Guid? conversationId, IReadOnlyList<MessageResponse> backlog,
        Func<ChatEvent, bool> shows, HttpContext context,
        [EnumeratorCancellation] CancellationToken enumeration = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(backlog);
        ArgumentNullException.ThrowIfNull(shows);
        ArgumentNullException.ThrowIfNull(context);
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(
            context.RequestAborted, stopping, enumeration);
        var cancellationToken = ended.Token;
        using (subscription)
        {
            // At once, so that the client sees the stream open (the headers go with the first event).
            yield return new SseItem<object>(new { }, "ping");
            foreach (var message in backlog)
            {
                yield return Item(message);
            }

            var lastSent = backlog.Count > 0 ? backlog[^1].Sequence : 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                var next = await NextAsync(subscription.Reader, cancellationToken);
                if (next.Closed)
                {
                    yield break;
                }

                if (next.Event is not { } chatEvent)
                {
                    yield return new SseItem<object>(new { }, "ping");
                    continue;
                }

                if (!shows(chatEvent))
                {
                    continue;
                }

                if (chatEvent.Message is { } message)
                {
                    // A message already sent in the backlog is not sent twice.
                    if (chatEvent.ConversationId == conversationId && message.Sequence <= lastSent)
                    {
                        continue;
                    }

                    yield return Item(message);
                    continue;
                }

                yield return new SseItem<object>(new StreamNotice(chatEvent.ConversationId,
                    WireNames.Of(chatEvent.State), chatEvent.Typing), chatEvent.Kind);
            }
        }
    }

    private static SseItem<object> Item(MessageResponse message) =>
        new(message, "message")
        {
            EventId = message.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

    private static async Task<(ChatEvent? Event, bool Closed)> NextAsync(
        ChannelReader<ChatEvent> reader, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(Heartbeat);
        try
        {
            return (await reader.ReadAsync(wait.Token), false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, false);
        }
        catch (OperationCanceledException)
        {
            return (null, true);
        }
        catch (ChannelClosedException)
        {
            return (null, true);
        }
    }
}
