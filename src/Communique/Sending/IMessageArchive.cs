using Communique.Communications;

namespace Communique.Sending;

// Where every message is kept as sent: called with the exact bytes handed to the transport, before the hand-over.
// Keeps is whether this server archives at all; KeepsAsync whether it archives the team's messages of the channel
// (the team's policy). When neither, the loop never asks a message for its bytes, so no archive costs nothing.
public interface IMessageArchive
{
    bool Keeps { get; }

    ValueTask<bool> KeepsAsync(Guid teamId, Channel channel, CancellationToken cancellationToken);

    Task KeepAsync(ArchivedMessage message, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);
}
