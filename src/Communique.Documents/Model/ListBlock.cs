using Communique.Documents.Text;

namespace Communique.Documents.Model;

// A bulleted or numbered list; each item is a list of blocks, indented by Indent with its marker in the indent.
public sealed class ListBlock : Block
{
    public bool Ordered { get; init; }

    // The bullet of an unordered list.
    public string Bullet { get; init; } = "\u2022";

    public int Start { get; init; } = 1;

    public float Indent { get; init; } = 18;

    public TextStyle MarkerStyle { get; init; } = TextStyle.Default;

    public List<List<Block>> Items { get; } = [];
}
