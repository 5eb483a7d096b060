using System.ComponentModel.DataAnnotations;

namespace Communique.Communications;

// The content of an email communication. Subject, HTML, text and preheader are Liquid templates.
public sealed record EmailContent(
    [property: Required, MaxLength(998)] string? Subject,
    [property: Required] string? Html,
    string? Text,
    [property: MaxLength(500)] string? Preheader,
    IReadOnlyList<Guid>? Attachments,
    [property: MaxLength(200)] string? UnsubscribeCategory);
