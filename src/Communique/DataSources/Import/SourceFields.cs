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

// The fields of a source in file order. CSV and XLSX know them all from the header row; JSON and
// XML discover them while records stream by, so the set grows and earlier records are shorter.
public sealed class SourceFieldSet : IReadOnlyList<SourceField>
{
    private readonly List<SourceField> _fields = [];

    // Names differing only in case would be one field to a person writing {{ Email }} or {{ email }}.
    private readonly Dictionary<string, int> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ImportLimits _limits;

    internal SourceFieldSet(ImportLimits limits) => _limits = limits;

    public int Count => _fields.Count;

    public SourceField this[int index] => _fields[index];

    public int IndexOf(string name) => _byName.TryGetValue(name, out var index) ? index : -1;

    public IEnumerator<SourceField> GetEnumerator() => _fields.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    internal SourceField Add(string name, bool repeater, long line)
    {
        if (_fields.Count >= _limits.MaxFields)
        {
            throw new SourceDataException(SourceProblem.TooLarge,
                $"Line {line} brings the number of fields past the limit of {_limits.MaxFields}.", line);
        }
        var field = new SourceField(name, _fields.Count, repeater ? new SourceFieldSet(_limits) : null);
        _fields.Add(field);
        _byName.Add(name, field.Index);
        return field;
    }

    // The header of a CSV file or a spreadsheet: every column needs a name, and a distinct one.
    internal static SourceFieldSet FromHeader(
        IReadOnlyList<string> rawNames, ImportLimits limits, Func<int, string> columnLabel, long line,
        string lineWord = "line")
    {
        if (rawNames.Count > limits.MaxFields)
        {
            throw new SourceDataException(SourceProblem.TooLarge,
                $"The header row has {rawNames.Count} columns; the limit is {limits.MaxFields}.", line);
        }
        var set = new SourceFieldSet(limits);
        for (var i = 0; i < rawNames.Count; i++)
        {
            var name = FieldNames.Normalize(rawNames[i], limits, line);
            if (name.Length == 0)
            {
                throw new SourceDataException(SourceProblem.BadHeader,
                    $"Column {columnLabel(i)} of the header row ({lineWord} {line}) has no name. " +
                    "Give every column a name.", line);
            }
            var existing = set.IndexOf(name);
            if (existing >= 0)
            {
                throw new SourceDataException(SourceProblem.BadHeader,
                    $"The header row ({lineWord} {line}) names two columns '{name}' " +
                    $"(columns {columnLabel(existing)} and {columnLabel(i)}). " +
                    "Field names must be unique, ignoring case, after spaces become underscores.", line);
            }
            set.Add(name, repeater: false, line);
        }
        return set;
    }
}

internal static class FieldNames
{
    // Spaces become underscores so a field reads as a Liquid variable: {{ first_name }}.
    public static string Normalize(string raw, ImportLimits limits, long line)
    {
        var trimmed = raw.AsSpan().Trim();
        if (trimmed.Length > limits.MaxFieldNameLength)
        {
            throw new SourceDataException(SourceProblem.BadHeader,
                $"The field name on line {line} starting '{trimmed[..40]}' is longer than " +
                $"{limits.MaxFieldNameLength} characters.", line);
        }
        if (!trimmed.ContainsAny(Whitespace))
        {
            return trimmed.Length == raw.Length ? raw : trimmed.ToString();
        }
        return string.Create(trimmed.Length, raw, static (span, raw) =>
        {
            raw.AsSpan().Trim().CopyTo(span);
            for (var i = 0; i < span.Length; i++)
            {
                if (char.IsWhiteSpace(span[i]))
                {
                    span[i] = '_';
                }
            }
        });
    }

    private static readonly System.Buffers.SearchValues<char> Whitespace =
        System.Buffers.SearchValues.Create(" \t\r\n\u00A0\u2007\u202F\u3000");
}
