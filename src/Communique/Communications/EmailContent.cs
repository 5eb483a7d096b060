using System.ComponentModel.DataAnnotations;

namespace Communique.Communications;

// The content of an email communication. Subject, HTML, text and preheader are Liquid templates. Attachments are
// stored assets, the same for every message; Documents are document communications, made into a PDF for each
// recipient from their record and attached to their message.
public sealed record EmailContent(
    [property: Required, MaxLength(998)] string? Subject,
    [property: Required] string? Html,
    string? Text,
    [property: MaxLength(500)] string? Preheader,
    IReadOnlyList<Guid>? Attachments,
    [property: MaxLength(200)] string? UnsubscribeCategory,
    [property: MaxLength(10)] IReadOnlyList<Guid>? Documents = null);
