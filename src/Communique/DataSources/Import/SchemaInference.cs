using System.Runtime.CompilerServices;
namespace Communique.DataSources.Import;

// Infers the schema of a whole source, repeaters included, one record at a time. Fields that
// appear later in a JSON or XML source join as they come.
public sealed class SchemaInference
{
    private readonly SourceFieldSet _fields;
    private readonly DataStandard _standard;
    private readonly List<FieldTypeTracker> _trackers = [];
    private readonly List<SchemaInference?> _items = [];

    public SchemaInference(SourceFieldSet fields, DataStandard standard)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(standard);
        _fields = fields;
        _standard = standard;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per value or row: see Import/SourceReader.cs
    public void Observe(SourceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        while (_trackers.Count < _fields.Count)
        {
            _trackers.Add(new FieldTypeTracker(_standard));
            _items.Add(null);
        }
        var values = record.ValueArray;
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (value is not null)
            {
                _trackers[i].Observe(value);
            }
        }
        if (record.ItemArrays is { } items)
        {
            for (var i = 0; i < items.Length; i++)
            {
                if (items[i] is { } list && _fields[i].Items is { } itemFields)
                {
                    var inference = _items[i] ??= new SchemaInference(itemFields, _standard);
                    if (list.Length > 0)
                    {
                        _trackers[i].CountList();
                    }
                    foreach (var item in list)
                    {
                        inference.Observe(item);
                    }
                }
            }
        }
    }

    public IReadOnlyList<InferredField> Fields
    {
        get
        {
            var result = new List<InferredField>(_fields.Count);
            for (var i = 0; i < _fields.Count; i++)
            {
                var source = _fields[i];
                var tracker = i < _trackers.Count ? _trackers[i] : null;
                if (source.Items is { } itemFields)
                {
                    var items = (i < _items.Count ? _items[i] : null) ?? new SchemaInference(itemFields, _standard);
                    result.Add(new InferredField(source.Name, FieldType.Array, tracker?.ValueCount ?? 0, items.Fields));
                }
                else
                {
                    result.Add(new InferredField(
                        source.Name, tracker?.Type ?? FieldType.String, tracker?.ValueCount ?? 0, null));
                }
            }
            return result;
        }
    }
}
