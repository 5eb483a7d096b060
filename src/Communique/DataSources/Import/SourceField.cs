namespace Communique.DataSources.Import;

public sealed class SourceField
{
    internal SourceField(string name, int index, SourceFieldSet? items)
    {
        Name = name;
        Index = index;
        Items = items;
    }

    public string Name { get; }

    // Position of this field's value in SourceRecord.Values.
    public int Index { get; }

    // The fields of each item when this is a repeater (a JSON array); null for a plain value.
    public SourceFieldSet? Items { get; internal set; }

    public bool IsRepeater => Items is not null;

    // False while the field has only held nulls: a later list may still make it a repeater.
    internal bool HasValue { get; set; }
}
