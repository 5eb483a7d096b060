using Communique.Documents.Drawing;

namespace Communique.Documents.Model;

// A cell spanning ColumnSpan columns; Padding overrides the table's CellPadding when given.
public sealed class TableCell
{
    public List<Block> Content { get; } = [];

    public int ColumnSpan { get; init; } = 1;

    public Color? Background { get; init; }

    public Edges? Padding { get; init; }

    public VerticalAlign VerticalAlign { get; init; } = VerticalAlign.Top;
}
