using Communique.Documents.Drawing;

namespace Communique.Documents.Layout;

// A slab that draws itself with a delegate given its left edge and top: an image, a barcode, a spacer, a frame's
// padding (which draws nothing).
internal sealed class DrawnSlab : Slab
{
    private readonly Action<List<DrawOp>, float, float>? _draw;

    public DrawnSlab(float height, Action<List<DrawOp>, float, float>? draw)
    {
        Height = height;
        _draw = draw;
    }

    public override void Draw(List<DrawOp> ops, float x, float y) => _draw?.Invoke(ops, x + Indent, y);
}
