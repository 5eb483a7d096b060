namespace Communique.DataSources.Import;

// One record as the file holds it: raw text per field, before any typing.
public sealed class SourceRecord
{
    private readonly string?[] _values;
    private readonly SourceRecord[]?[]? _items;

    internal SourceRecord(long line, string?[] values, SourceRecord[]?[]? items = null)
    {
        Line = line;
        _values = values;
        _items = items;
    }

    internal string?[] ValueArray => _values;

    internal SourceRecord[]?[]? ItemArrays => _items;

    // 1-based: the line where the record starts (CSV, JSON, XML) or its row number (XLSX).
    public long Line { get; }

    // Values by SourceField.Index. Shorter than the field set when later records brought new
    // fields (JSON, XML). Empty CSV and XLSX cells are "", absent or null JSON values are null.
    public IReadOnlyList<string?> Values => _values;

    public string? GetValue(int fieldIndex) => (uint)fieldIndex < (uint)_values.Length ? _values[fieldIndex] : null;

    // The items of a repeater field; null when the field is not a repeater or is absent here.
    public IReadOnlyList<SourceRecord>? GetItems(int fieldIndex) =>
        _items is not null && (uint)fieldIndex < (uint)_items.Length ? _items[fieldIndex] : null;
}
