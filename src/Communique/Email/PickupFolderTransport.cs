using Communique.Sending;

namespace Communique.Email;

// The embedded default: each message becomes one .eml file of its wire bytes (CRLF line ends), written under a
// temporary name and renamed when complete, so that a program watching the folder never reads half a message.
public sealed class PickupFolderTransport(string directory) : IMailTransport
{
    public string Directory { get; } = directory;

    public async Task<DeliveryResult> SendAsync(
        WireEmail email, HandOverGate gate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        System.IO.Directory.CreateDirectory(Directory);
        var name = Guid.CreateVersion7().ToString("N");
        var partial = Path.Combine(Directory, name + ".tmp");
        var final = Path.Combine(Directory, name + ".eml");
        await using (var file = new FileStream(
                         partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
        {
            await file.WriteAsync(email.Bytes, cancellationToken);
        }

        await gate.PassAsync(cancellationToken);
        File.Move(partial, final);
        return DeliveryResult.Accepted($"written to {name}.eml");
    }
}
