using Communique.Documents.Model;

namespace Communique.Documents.Layout;

// A block's border and background, drawn behind the slabs it holds, one rectangle per page it spans.
internal sealed class Frame(float left, float width, Border? border, Drawing.Color? background)
{
    // From the flow's left edge.
    public float Left { get; } = left;

    public float Width { get; } = width;

    public Border? Border { get; } = border;

    public Drawing.Color? Background { get; } = background;
}
