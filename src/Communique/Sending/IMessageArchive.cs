namespace Communique.Sending;

// Where every message is kept as sent: called with the exact bytes handed to the transport, before the hand-over.
// With Keeps false the loop never asks a message for its bytes, so no archive costs nothing.
public interface IMessageArchive
{
    bool Keeps { get; }

    Task KeepAsync(ArchivedMessage message, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);
}
