namespace Communique.Documents.Model;

// Blocks at a fixed place on the page, outside the body's flow (an address in an envelope's window). X and Y from
// the page's top-left corner; the content is clipped to Height when given. On says which pages carry it.
public sealed class BoxBlock : Block
{
    public float X { get; init; }

    public float Y { get; init; }

    public float Width { get; init; }

    public float? Height { get; init; }

    public BoxPages On { get; init; } = BoxPages.First;

    public List<Block> Content { get; } = [];
}
