using Communique.Documents.Drawing;

namespace Communique.Documents.Layout;

// A horizontal slice of the flow placed whole on a page: a line of a paragraph, an image, a table row. Blocks become
// slabs first; the paginator then only stacks slabs, so that every page-flow rule (space, keeps, repeated table
// headers, frames) is decided in one place. A slab taller than a page may split itself (a table row between its
// cells' lines); no other does.
internal abstract class Slab
{
    public float Height { get; protected set; }

    // Space wanted before this slab and after it; between two slabs the larger of the two, none at a page's top.
    public float SpaceBefore { get; set; }

    public float SpaceAfter { get; set; }

    // The page may not break between this slab and the next.
    public bool KeepWithNext { get; set; }

    public bool BreakBefore { get; set; }

    // Left edge offset from the flow's left edge (list indents, frame padding).
    public float Indent { get; set; }

    // The frames (bordered or shaded blocks) this slab is inside, outermost first; null when none.
    public Frame[]? Frames { get; set; }

    public KeepGroup? Keep { get; set; }

    public TableRun? Table { get; set; }

    public bool IsTableHeader { get; set; }

    // Where this slab's block is in the markup, for error messages.
    public required string Source { get; init; }

    public abstract void Draw(List<DrawOp> ops, float x, float y);

    // The part of this slab that fits in `available` points, and the rest; false when it cannot split there.
    public virtual bool TrySplit(float available, out Slab? head, out Slab? tail)
    {
        head = null;
        tail = null;
        return false;
    }
}
