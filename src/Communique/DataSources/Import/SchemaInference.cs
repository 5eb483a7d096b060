using System.Runtime.CompilerServices;
namespace Communique.DataSources.Import;

public sealed record InferredField(string Name, FieldType Type, long ValueCount, IReadOnlyList<InferredField>? Items);

// Infers one field's type from its values as they stream by: the first value decides, later
// values keep the type or widen it (date to datetime, anything to string). Empty values say
// nothing. Once a field is a string no value is looked at again, so text columns cost nothing.
public sealed class FieldTypeTracker(DataStandard standard)
{
    private FieldType? _type;

    // Null until a non-empty value has been seen; such a field is imported as a string.
    public FieldType? Type => _type;

    public long ValueCount { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per value or row: see Import/SourceReader.cs
    public void Observe(ReadOnlySpan<char> raw)
    {
        var s = raw.Trim();
        if (s.IsEmpty)
        {
            return;
        }
        ValueCount++;
        _type = _type switch
        {
            FieldType.String => FieldType.String,
            null => Detect(s),
            FieldType.Number => ValueParser.LooksLikeNumber(s, standard) ? FieldType.Number : FieldType.String,
            FieldType.Boolean => ValueParser.TryParseBoolean(s, out _) ? FieldType.Boolean : FieldType.String,
            FieldType.Date => ValueParser.TryParseDate(s, standard, out _) ? FieldType.Date
                : ValueParser.TryParseDateTime(s, standard, out _) ? FieldType.DateTime : FieldType.String,
            FieldType.DateTime =>
                ValueParser.TryParseDateTime(s, standard, out _) ? FieldType.DateTime : FieldType.String,
            FieldType.Time => ValueParser.TryParseTime(s, standard, out _) ? FieldType.Time : FieldType.String,
            _ => FieldType.String,
        };
    }

    internal void CountList() => ValueCount++;

    private FieldType Detect(ReadOnlySpan<char> s)
    {
        if (ValueParser.TryParseBoolean(s, out _))
        {
            return FieldType.Boolean;
        }
        if (ValueParser.LooksLikeNumber(s, standard))
        {
            return FieldType.Number;
        }
        if (ValueParser.TryParseDate(s, standard, out _))
        {
            return FieldType.Date;
        }
        if (ValueParser.TryParseTime(s, standard, out _))
        {
            return FieldType.Time;
        }
        return ValueParser.TryParseDateTime(s, standard, out _) ? FieldType.DateTime : FieldType.String;
    }
}

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
