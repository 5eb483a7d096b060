using MimeKit;

namespace Communique.Email.Compose;

// The addresses of one message.
public sealed record Envelope(MailboxAddress From, MailboxAddress To, MailboxAddress? ReplyTo = null);
