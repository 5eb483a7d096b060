using Communique.Communications;

namespace Communique.Sending;

// The archive when none is configured.
public sealed class NoArchive : IMessageArchive
{
    public bool Keeps => false;

    public ValueTask<bool> KeepsAsync(Guid teamId, Channel channel, CancellationToken cancellationToken) =>
        ValueTask.FromResult(false);

    public Task KeepAsync(ArchivedMessage message, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
