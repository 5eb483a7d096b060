namespace Communique.Chat;

// What a message shows besides its text; kept as the message's JSON payload and returned as it is.
public sealed record MessageExtras(
    string? Html,
    IReadOnlyList<ButtonView>? Buttons,
    IReadOnlyList<CardView>? Cards,
    IReadOnlyList<LinkView>? Links,
    string? Interaction);

public sealed record ButtonView(string Label, string? Value, string? Url);

public sealed record CardView(string? Title, string? Subtitle, string? ImageUrl, IReadOnlyList<ButtonView>? Buttons);

public sealed record LinkView(string Label, string Url);
