using Communique.Campaigns;

namespace Communique.Sending;

// A channel's transport: hands a message over and classifies the answer, temporary (tried again later) or permanent
// (a hard refusal); the result says how many hand-overs it made (an immediate resend on a fresh connection is one
// more). It passes the gate right before the hand-over becomes final. Safe to call from many threads at once.
public interface IChannelTransport
{
    // Messages one run hands over at a time: the connections the transport keeps open for them.
    int Parallelism { get; }

    Task<DeliveryResult> HandOverAsync(
        OutboundMessage message, OutgoingMessage outgoing, HandOverGate gate, CancellationToken cancellationToken);
}
