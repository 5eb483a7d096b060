namespace Communique.Sending;

// The moment a hand-over becomes final: for SMTP, the end of the message's data, since a relay takes the message
// only then. A transport passes the gate once, right before that moment (a transport that cannot split its
// hand-over, before it starts); one that fails before never passes it. The delivery loop lets no more messages
// through than the transport has connections until their outcomes are saved, so that a crash leaves at most one
// delivered but unsaved message per connection, while the connections get their next messages on their way.
public abstract class HandOverGate
{
    // A gate that never waits: for a hand-over outside the delivery loop (a system email).
    public static HandOverGate Open { get; } = new OpenGate();

    public abstract ValueTask PassAsync(CancellationToken cancellationToken);

    private sealed class OpenGate : HandOverGate
    {
        public override ValueTask PassAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
