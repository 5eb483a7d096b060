using System.Globalization;
using Communique.Documents.Model;

namespace Communique.Documents.Markup;

// The document markup (docs/documents/markup.md): Check reads a template when it is saved, with its Liquid still in
// it; Parse reads one record's markup, Liquid applied, into the model the layout draws. Both read forward once with
// XmlReader (no DTD, no resolver) and stop at the limits below, so bad input costs at most a linear pass.
public static class DocumentMarkup
{
    // A template as stored, Liquid included.
    public const int MaxTemplateChars = 1024 * 1024;

    // One record's markup after Liquid: a statement's repeater makes it much longer than its template.
    public const int MaxDocumentChars = 16 * 1024 * 1024;

    public const int MaxDepth = 64;

    // Enough for a 50,000-row table of nine columns.
    public const int MaxElements = 500_000;

    public const int MaxErrors = 50;

    // MarkupException listing every error found (up to MaxErrors) when the markup is not valid.
    public static DocumentSpec Parse(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var errors = new List<MarkupError>();
        if (xml.Length > MaxDocumentChars)
        {
            errors.Add(TooLong(xml.Length, MaxDocumentChars));
            throw new MarkupException(errors);
        }

        var document = MarkupReader.Read(xml, template: false, errors);
        return errors.Count == 0 && document is not null ? document : throw new MarkupException(errors);
    }

    // The errors of a template (none: it may be saved). Liquid may stand in text and attribute values; attribute
    // values holding Liquid are not checked, and text made only of Liquid tags may stand between any elements.
    public static IReadOnlyList<MarkupError> Check(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var errors = new List<MarkupError>();
        if (source.Length > MaxTemplateChars)
        {
            errors.Add(TooLong(source.Length, MaxTemplateChars));
            return errors;
        }

        MarkupReader.Read(LiquidMask.Hide(source), template: true, errors);
        return errors;
    }

    private static MarkupError TooLong(int length, int max) => new(1, 1, string.Create(
        CultureInfo.InvariantCulture, $"The markup is {length:N0} characters long; at most {max:N0} are allowed."));
}
