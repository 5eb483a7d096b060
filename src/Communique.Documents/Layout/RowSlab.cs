using Communique.Documents.Drawing;
using Communique.Documents.Model;

namespace Communique.Documents.Layout;

// A table row: its cells side by side, as tall as the tallest. A row taller than a page splits between the slabs of
// its cells (lines, images, nested rows): each cell gives the head what fits and continues in the tail.
internal sealed class RowSlab : Slab
{
    private readonly List<Cell> _cells;
    private readonly float _width;
    private readonly Color? _background;
    private readonly Border? _grid;

    public RowSlab(List<Cell> cells, float width, Color? background, Border? grid)
    {
        _cells = cells;
        _width = width;
        _background = background;
        _grid = grid;
        Height = cells.Count == 0 ? 0 : cells.Max(c => c.ContentHeight + c.Padding.Vertical);
    }

    public override void Draw(List<DrawOp> ops, float x, float y)
    {
        x += Indent;
        if (_background is { } background)
        {
            ops.Add(new RectOp(x, y, _width, Height, background));
        }

        foreach (var cell in _cells)
        {
            if (cell.Background is { } fill)
            {
                ops.Add(new RectOp(x + cell.Left, y, cell.Width, Height, fill));
            }

            var free = Height - cell.Padding.Vertical - cell.ContentHeight;
            var offset = cell.Align switch
            {
                VerticalAlign.Middle => free / 2,
                VerticalAlign.Bottom => free,
                _ => 0,
            };
            SlabStack.Draw(ops, cell.Content, x + cell.Left + cell.Padding.Left, y + cell.Padding.Top + offset);
            if (_grid is { Width: > 0 } grid)
            {
                ops.Add(new RectOp(x + cell.Left, y, cell.Width, Height, null, grid.Color, grid.Width));
            }
        }
    }

    public override bool TrySplit(float available, out Slab? head, out Slab? tail)
    {
        head = null;
        tail = null;
        var heads = new List<Cell>(_cells.Count);
        var tails = new List<Cell>(_cells.Count);
        var progress = false;
        foreach (var cell in _cells)
        {
            var room = available - cell.Padding.Vertical;
            var used = 0f;
            var count = 0;
            while (count < cell.Content.Count)
            {
                var next = used + SlabStack.Gap(cell.Content, count) + cell.Content[count].Height;
                if (next > room)
                {
                    break;
                }

                used = next;
                count++;
            }

            progress |= count > 0 && count < cell.Content.Count || count == cell.Content.Count && count > 0;
            heads.Add(cell.With(cell.Content[..count]));
            tails.Add(cell.With(cell.Content[count..]));
        }

        if (!progress || tails.All(c => c.Content.Count == 0))
        {
            return false;
        }

        head = Copy(heads);
        tail = Copy(tails);
        tail.KeepWithNext = KeepWithNext;
        tail.SpaceAfter = SpaceAfter;
        head.SpaceBefore = SpaceBefore;
        return true;
    }

    private RowSlab Copy(List<Cell> cells) =>
        new(cells, _width, _background, _grid) { Source = Source, Indent = Indent, Frames = Frames, Table = Table };

    // A cell of the row, its content's height measured once.
    internal sealed record Cell(
        float Left, float Width, Edges Padding, Color? Background, VerticalAlign Align, List<Slab> Content)
    {
        public float ContentHeight { get; } = SlabStack.Height(Content);

        // The same cell holding other slabs (a part of its content, when the row splits).
        public Cell With(List<Slab> content) => new(Left, Width, Padding, Background, Align, content);
    }
}
