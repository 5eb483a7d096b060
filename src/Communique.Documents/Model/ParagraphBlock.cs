using Communique.Documents.Text;

namespace Communique.Documents.Model;

// Text with inline styling. LineHeight is a multiple of each line's largest font size.
public sealed class ParagraphBlock : Block
{
    public List<Inline> Content { get; } = [];

    public TextAlign Align { get; init; } = TextAlign.Start;

    public TextDirection Direction { get; init; } = TextDirection.Auto;

    public float LineHeight { get; init; } = 1.2f;

    public float FirstLineIndent { get; init; }
}
