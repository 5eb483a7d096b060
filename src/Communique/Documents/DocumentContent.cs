using System.ComponentModel.DataAnnotations;

namespace Communique.Documents;

// The content of a document communication or template: its markup (the document markup with Liquid, see
// docs/documents/markup.md), the file name a PDF of it gets (Liquid too, e.g. "invoice-{{ number }}.pdf"), and
// whether its PDFs are PDF/A-2b for archiving.
public sealed record DocumentContent(
    [property: Required] string? Markup,
    [property: MaxLength(200)] string? FileName,
    bool Archival = false)
{
    public const int MaxMarkupChars = 1024 * 1024;

    public const string DefaultFileName = "document.pdf";
}
