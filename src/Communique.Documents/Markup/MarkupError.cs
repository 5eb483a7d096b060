using System.Globalization;

namespace Communique.Documents.Markup;

// One thing wrong in document markup, located for the person who wrote it: Line and Column are 1-based and point at
// the element, attribute or text concerned.
public sealed record MarkupError(int Line, int Column, string Message)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"line {Line}, column {Column}: {Message}");
}
