using Communique.Documents.Drawing;
using Communique.Documents.Text;

namespace Communique.Documents.Layout;

// One line of a paragraph.
internal sealed class LineSlab : Slab
{
    private readonly ParagraphLayout _paragraph;
    private readonly int _line;

    public LineSlab(ParagraphLayout paragraph, int line)
    {
        _paragraph = paragraph;
        _line = line;
        Height = paragraph.Lines[line].Height;
    }

    // From the slab's top to the line's baseline.
    public float Baseline => _paragraph.Lines[_line].Ascent;

    public override void Draw(List<DrawOp> ops, float x, float y) => _paragraph.Draw(ops, x + Indent, y, _line, 1);
}
