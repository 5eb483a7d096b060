namespace Communique.Documents.Drawing;

// A laid-out page: its size in points and what is drawn on it, in painting order.
public sealed class Page(float width, float height)
{
    public float Width { get; } = width;

    public float Height { get; } = height;

    public List<DrawOp> Ops { get; } = [];
}
