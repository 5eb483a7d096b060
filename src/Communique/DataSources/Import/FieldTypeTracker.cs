using System.Runtime.CompilerServices;
namespace Communique.DataSources.Import;

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
