using Communique.Sending;
using MimeKit;

namespace Communique.Email;

// An email as the email channel's transport takes it. Its bytes are written only when asked for (an archive keeps
// them), as they go on the wire; the message is then read back from those bytes when the transport first asks for
// it, and MimeKit writes a parsed message out exactly as it was read, so the relay receives the bytes that were
// archived. Until then only the bytes are held (a message waits for its archive pack with nothing else made from
// it), and the parsed parts refer to the bytes rather than copying them.
public sealed class MimeOutgoing(MimeMessage message) : OutgoingMessage
{
    private MimeMessage? _message = message;
    private byte[]? _bytes;
    private int _length;

    public MimeMessage Message => _message ??=
        MimeMessage.Load(new MemoryStream(_bytes!, 0, _length, writable: false), persistent: true);

    public override string? SearchText => Message.Subject + "\n" + Message.TextBody;

    public override ReadOnlyMemory<byte> Bytes()
    {
        if (_bytes is null)
        {
            var written = new MemoryStream(16 * 1024);
            Message.WriteTo(WireFormat.Options, written);
            _bytes = written.GetBuffer();
            _length = (int)written.Length;
            _message = null;
        }

        return _bytes.AsMemory(0, _length);
    }
}
