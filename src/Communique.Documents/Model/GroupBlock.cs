namespace Communique.Documents.Model;

// Blocks kept in one box (`<block>`): a shared border, background or padding, or kept together on a page.
public sealed class GroupBlock : Block
{
    public List<Block> Content { get; } = [];
}
