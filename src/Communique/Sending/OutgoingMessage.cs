namespace Communique.Sending;

// One message as its channel's renderer made it, ready for the channel's transport.
public abstract class OutgoingMessage
{
    // The exact bytes the transport hands over (a channel may make them only when asked for, by an archive: from then
    // on its transport hands over these bytes, never a second serialisation of the message).
    public abstract ReadOnlyMemory<byte> Bytes();

    // What the archive's full-text search finds the message by (an email's subject and text part), if anything.
    public virtual string? SearchText => null;
}
