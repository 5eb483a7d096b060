namespace Communique.Email.Compose;

// An email's content rendered for one recipient, before it is composed into the message that is sent.
public sealed record RenderedEmail(string Subject, string Html, string Text, string? Preheader);
