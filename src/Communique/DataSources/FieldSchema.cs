namespace Communique.DataSources;

public sealed record FieldSchema(
    string Name,
    string Type,
    bool Hidden = false,
    int? DecimalPlaces = null,
    string? DecimalSeparator = null,
    string? ThousandsSeparator = null,
    string? DateFormat = null,
    IReadOnlyList<FieldSchema>? Items = null,
    string? Source = null)
{
    // The column name in the imported file; a renamed field still matches its column on append or replace.
    public string SourceName => Source ?? Name;
}
