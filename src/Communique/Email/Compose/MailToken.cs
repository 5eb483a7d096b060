namespace Communique.Email.Compose;

// What a token in an email link stands for: the message it was sent in and, for a click, where the link goes.
public sealed record MailToken(MailTokenKind Kind, Guid MessageId, string? Url = null);
