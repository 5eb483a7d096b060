namespace Communique.Documents.Model;

// A column's width: Fixed points, a Relative share of what the fixed and auto columns leave, or Auto (the width
// of its widest unbreakable content up to its widest content, within what is left).
public readonly record struct ColumnSpec(ColumnWidth Kind, float Value)
{
    public static ColumnSpec Auto => new(ColumnWidth.Auto, 0);
}
