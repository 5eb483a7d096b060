using Communique.Documents.Drawing;
using Communique.Documents.Text;

namespace Communique.Documents.Layout;

// The first slab of a list item, with the item's marker (bullet or number) in the indent before it, on the same
// baseline as the item's first line.
internal sealed class MarkedSlab : Slab
{
    private readonly Slab _inner;
    private readonly ParagraphLayout _marker;
    private readonly float _markerLeft;

    // markerLeft: from the item's content edge, negative (the marker sits in the indent).
    public MarkedSlab(Slab inner, ParagraphLayout marker, float markerLeft)
    {
        _inner = inner;
        _marker = marker;
        _markerLeft = markerLeft;
        Height = Math.Max(inner.Height, marker.Lines.Count > 0 ? marker.Lines[0].Height : 0);
        SpaceBefore = inner.SpaceBefore;
        SpaceAfter = inner.SpaceAfter;
        KeepWithNext = inner.KeepWithNext;
        BreakBefore = inner.BreakBefore;
        Indent = inner.Indent;
        Frames = inner.Frames;
        Keep = inner.Keep;
        Table = inner.Table;
        inner.Indent = 0;
    }

    public override void Draw(List<DrawOp> ops, float x, float y)
    {
        _inner.Draw(ops, x + Indent, y);
        if (_marker.Lines.Count == 0)
        {
            return;
        }

        var baseline = _inner is LineSlab line ? line.Baseline : _marker.Lines[0].Ascent;
        _marker.Draw(ops, x + Indent + _markerLeft, y + baseline - _marker.Lines[0].Ascent, 0, 1);
    }
}
