namespace Communique.Documents.Markup;

// The attributes of the element being read, by MarkupAttribute, with their places. One set serves a whole read:
// an element's attributes are all taken before its content is read.
internal sealed class AttributeSet
{
    private static readonly int Count = Enum.GetValues<MarkupAttribute>().Length;

    private readonly string[] _values = new string[Count];
    private readonly int[] _lines = new int[Count];
    private readonly int[] _columns = new int[Count];

    public ulong Present { get; private set; }

    // Values holding Liquid, when a template is checked: present, but not checked.
    public ulong Liquid { get; private set; }

    public void Clear()
    {
        Present = 0;
        Liquid = 0;
    }

    public void Set(MarkupAttribute attribute, string value, int line, int column, bool liquid)
    {
        var i = (int)attribute;
        _values[i] = value;
        _lines[i] = line;
        _columns[i] = column;
        Present |= MarkupNames.Bit(attribute);
        if (liquid)
        {
            Liquid |= MarkupNames.Bit(attribute);
        }
    }

    public bool Has(MarkupAttribute attribute) => (Present & MarkupNames.Bit(attribute)) != 0;

    public bool HasAny(ulong mask) => (Present & mask) != 0;

    // The value to read: null when absent or when it holds Liquid.
    public string? Value(MarkupAttribute attribute) =>
        ((Present & ~Liquid) & MarkupNames.Bit(attribute)) != 0 ? _values[(int)attribute] : null;

    public (int Line, int Column) Place(MarkupAttribute attribute) =>
        (_lines[(int)attribute], _columns[(int)attribute]);
}
