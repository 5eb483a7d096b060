namespace Communique.Chat;

// What a message shows besides its text; kept as the message's JSON payload and returned as it is.
public sealed record MessageExtras(
    string? Html,
    IReadOnlyList<ButtonView>? Buttons,
    IReadOnlyList<CardView>? Cards,
    IReadOnlyList<LinkView>? Links,
    string? Interaction,
    AttachmentView? Attachment = null);

// A file sent with a message: downloaded from the conversation's attachments until it expires.
public sealed record AttachmentView(Guid Id, string Name, string ContentType, long Size, DateTime ExpiresAt);

public sealed record ButtonView(string Label, string? Value, string? Url);

public sealed record CardView(string? Title, string? Subtitle, string? ImageUrl, IReadOnlyList<ButtonView>? Buttons);

public sealed record LinkView(string Label, string Url);
