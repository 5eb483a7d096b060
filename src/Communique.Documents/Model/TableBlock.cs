namespace Communique.Documents.Model;

// A table: HeaderRows are repeated at the top of every page the table continues on. A row is kept whole on a page
// when it fits one; a row taller than a page is split between its cells' lines.
public sealed class TableBlock : Block
{
    public List<ColumnSpec> Columns { get; } = [];

    public List<TableRow> HeaderRows { get; } = [];

    public List<TableRow> Rows { get; } = [];

    // Drawn around every cell (collapsed: a shared edge is drawn once). Null: no grid.
    public Border? Grid { get; init; }

    public Edges CellPadding { get; init; } = Edges.All(3);
}
