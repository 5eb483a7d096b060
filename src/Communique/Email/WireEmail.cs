using MimeKit;

namespace Communique.Email;

// An email as it goes on the wire: its bytes (CRLF line ends; the SMTP transport adds the dot-stuffing) and its
// envelope. Every mail transport sends these bytes as they are, so what a relay receives, what the pickup folder holds
// and what the archive keeps are one and the same.
public sealed class WireEmail
{
    public WireEmail(ReadOnlyMemory<byte> bytes, MailboxAddress sender, IReadOnlyList<MailboxAddress> recipients)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(recipients);
        if (recipients.Count == 0)
        {
            throw new ArgumentException("An email needs at least one recipient.", nameof(recipients));
        }

        Bytes = bytes;
        Sender = sender;
        Recipients = recipients;
    }

    public ReadOnlyMemory<byte> Bytes { get; }

    // The envelope: MAIL FROM (unless the transport has a return path of its own) and RCPT TO.
    public MailboxAddress Sender { get; }

    public IReadOnlyList<MailboxAddress> Recipients { get; }

    // A message as MailKit sends one: made 7-bit (parts of ASCII lines up to SMTP's limit of 998 characters stay as
    // they are), written without its Bcc headers; the envelope from its Sender (else its first From) and its To, Cc
    // and Bcc. The addresses are copies: a MimeKit address refers to its message.
    public static WireEmail Of(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Prepare(EncodingConstraint.SevenBit, 998);
        var written = new MemoryStream();
        message.WriteTo(WireFormat.Options, written);
        return Of(message, written.GetBuffer().AsMemory(0, (int)written.Length));
    }

    // The message's envelope with bytes made of it (signed, say).
    public static WireEmail Of(MimeMessage message, ReadOnlyMemory<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(message);
        var sender = message.Sender ?? message.From.Mailboxes.FirstOrDefault()
            ?? throw new InvalidOperationException("An email without a sender cannot be sent.");
        var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes)
            .Select(Copy).ToList();
        return new WireEmail(bytes, Copy(sender), recipients);
    }

    public static MailboxAddress Copy(MailboxAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new MailboxAddress(address.Name, address.Address);
    }
}
