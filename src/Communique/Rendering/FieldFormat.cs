namespace Communique.Rendering;

// A field's display format from the data source schema, used when the field is output
// without a filter. Null members fall back to the culture. DateFormat is a .NET format string.
public sealed record FieldFormat(
    int? DecimalPlaces = null,
    string? DecimalSeparator = null,
    string? ThousandsSeparator = null,
    string? DateFormat = null);
