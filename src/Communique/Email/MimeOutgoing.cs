using Communique.Sending;
using MimeKit;

namespace Communique.Email;

// An email as the email channel's transport takes it. Its bytes are written only when asked for (an archive keeps
// them); the message is then read back from those bytes, and MimeKit writes a parsed message out exactly as it was
// read, so the relay receives the bytes that were archived.
public sealed class MimeOutgoing(MimeMessage message) : OutgoingMessage
{
    private byte[]? _bytes;

    public MimeMessage Message { get; private set; } = message;

    public override string? SearchText => Message.Subject + "\n" + Message.TextBody;

    public override ReadOnlyMemory<byte> Bytes()
    {
        if (_bytes is null)
        {
            using var written = new MemoryStream();
            Message.WriteTo(written);
            _bytes = written.ToArray();
            Message = MimeMessage.Load(new MemoryStream(_bytes, writable: false));
        }

        return _bytes;
    }
}
