namespace Communique.DataSources.Import;

// When a user retypes a field: which values would not parse as the new type. Keeps the first
// few for the user to see and counts the rest.
public sealed class TypeCheck
{
    private readonly FieldType _type;
    private readonly DataStandard _standard;
    private readonly int _maxReported;
    private readonly List<Misfit> _misfits = [];

    public TypeCheck(FieldType type, DataStandard standard, int maxReported = 100)
    {
        ArgumentNullException.ThrowIfNull(standard);
        ArgumentOutOfRangeException.ThrowIfNegative(maxReported);
        if (type == FieldType.Array)
        {
            throw new ArgumentException("A field of values cannot become a repeater.", nameof(type));
        }
        _type = type;
        _standard = standard;
        _maxReported = maxReported;
    }

    public IReadOnlyList<Misfit> Misfits => _misfits;

    public long MisfitCount { get; private set; }

    public bool AllFit => MisfitCount == 0;

    public void Observe(string? value, long line)
    {
        if (ValueParser.TryParse(value, _type, _standard, out _))
        {
            return;
        }
        MisfitCount++;
        if (_misfits.Count < _maxReported)
        {
            _misfits.Add(new Misfit(line, value!));
        }
    }
}
