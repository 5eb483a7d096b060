namespace Communique.Email.Compose;

// A file attached to every message of a send: one of the team's assets, read and base64-encoded once per send.
public sealed record MailAttachment(string FileName, string ContentType, byte[] Encoded);
