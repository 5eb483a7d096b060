namespace Communique.DataSources.Import;

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
