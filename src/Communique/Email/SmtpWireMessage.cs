using System.Runtime.InteropServices;
using Communique.Sending;
using MimeKit;

namespace Communique.Email;

// A wire email as MailKit's SMTP client takes it: a message of the header fields read from the bytes (MimeKit writes
// a field it read back exactly as it was), then the rest of the bytes as they are: a relay receives the bytes byte for
// byte, and only the header fields are read to get there. The gate is passed once the bytes are written, before the
// client ends the data (the relay takes the message only then).
internal static class SmtpWireMessage
{
    public static MimeMessage Of(WireEmail email, HandOverGate gate)
    {
        ArgumentNullException.ThrowIfNull(email);
        var bytes = email.Bytes;
        var blank = bytes.Span.IndexOf("\r\n\r\n"u8);
        var bodyStart = blank < 0 ? bytes.Length : blank + 4;
        if (!MemoryMarshal.TryGetArray(bytes[..bodyStart], out var head))
        {
            head = new ArraySegment<byte>(bytes[..bodyStart].ToArray());
        }

        HeaderList headers;
        using (var stream = new MemoryStream(head.Array!, head.Offset, head.Count, writable: false))
        {
            headers = HeaderList.Load(ParserOptions.Default, stream);
        }

        return new MimeMessage(headers) { Body = new Rest(bytes[bodyStart..], gate) };
    }

    // What follows the header fields, copied as it is. It has no header fields of its own (the message's include its
    // Content-Type): the message writes its fields and the empty line, then this.
    private sealed class Rest : MimeEntity
    {
        private readonly ReadOnlyMemory<byte> _bytes;
        private readonly HandOverGate _gate;

        public Rest(ReadOnlyMemory<byte> bytes, HandOverGate gate)
            : base(new ContentType("application", "octet-stream"))
        {
            _bytes = bytes;
            _gate = gate;
            Headers.Clear();
        }

        public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
        {
        }

        protected override void OnHeadersChanged(HeaderListChangedAction action, Header? header)
        {
        }

        public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly = false,
            CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(stream);
            stream.Write(_bytes.Span);
            _gate.PassAsync(cancellationToken).AsTask().GetAwaiter().GetResult();
        }

        public override async Task WriteToAsync(
            FormatOptions options, Stream stream, bool contentOnly = false,
            CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(stream);
            await stream.WriteAsync(_bytes, cancellationToken);
            await _gate.PassAsync(cancellationToken);
        }
    }
}
