using Communique.Documents.Drawing;

namespace Communique.Documents.Model;

public sealed class TableRow
{
    public List<TableCell> Cells { get; } = [];

    public Color? Background { get; init; }

    public int Line { get; init; }

    public int Column { get; init; }
}
