namespace Communique.Documents.Layout;

// Slabs kept on one page (a block with keep-together): First is where the page decides, Height their total.
internal sealed class KeepGroup(Slab first, float height)
{
    public Slab First { get; } = first;

    public float Height { get; } = height;
}
