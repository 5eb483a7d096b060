namespace Communique.DataSources.Import;

// Collects one record's (or repeater item's) values as a JSON or XML reader meets its fields,
// adding the fields the set has not seen before.
internal sealed class RecordBuilder(SourceFieldSet fields, long line, ImportLimits limits, string duplicateHint)
{
    private string?[] _values = new string?[fields.Count];
    private SourceRecord[]?[]? _items;
    private bool[] _seen = new bool[fields.Count];

    public void Set(string name, string? value, long at)
    {
        var field = Field(name, at);
        if (field.Items is not null && value is not null)
        {
            throw new SourceDataException(SourceProblem.Malformed,
                $"The field '{name}' holds a single value on line {at} but a list in an earlier record.", at);
        }
        field.HasValue |= value is not null;
        _values[field.Index] = value;
    }

    public SourceField Repeater(string name, long at)
    {
        var field = Field(name, at);
        if (field.Items is null)
        {
            if (field.HasValue)
            {
                throw new SourceDataException(SourceProblem.Malformed,
                    $"The field '{name}' holds a list on line {at} but a single value in an earlier record.", at);
            }
            field.Items = new SourceFieldSet(limits);
        }
        return field;
    }

    public void SetItems(SourceField field, SourceRecord[] items)
    {
        _items ??= new SourceRecord[]?[_values.Length];
        Grow();
        _items[field.Index] = items;
    }

    public SourceRecord Build()
    {
        Grow();
        return new SourceRecord(line, _values, _items);
    }

    private SourceField Field(string name, long at)
    {
        var index = fields.IndexOf(name);
        var field = index >= 0 ? fields[index] : fields.Add(name, repeater: false, at);
        Grow();
        if (_seen[field.Index])
        {
            throw new SourceDataException(SourceProblem.BadHeader,
                $"The record on line {line} has the field '{name}' twice ({duplicateHint}).", at);
        }
        _seen[field.Index] = true;
        return field;
    }

    private void Grow()
    {
        if (_values.Length < fields.Count)
        {
            Array.Resize(ref _values, fields.Count);
            Array.Resize(ref _seen, fields.Count);
        }
        if (_items is not null && _items.Length < fields.Count)
        {
            Array.Resize(ref _items, fields.Count);
        }
    }
}
