using Communique.Documents.Drawing;

namespace Communique.Documents.Text;

// A paragraph broken into lines for a width: by the Unicode line-breaking rules (UAX #14), shaped by HarfBuzz with
// per-character font fallback, bidirectional text reordered per line (UAX #9), aligned or justified. A word wider
// than the width is broken between grapheme clusters. The layout can draw any run of its lines, so that a paragraph
// can be split between pages.
public sealed class ParagraphLayout
{
    public IReadOnlyList<TextLine> Lines => throw new NotImplementedException();

    public float Height => throw new NotImplementedException();

    // The widest piece that cannot be broken, and the width of the whole paragraph on one line (forced breaks
    // excepted): what an auto-width table column needs at least and at most.
    public float MinContentWidth => throw new NotImplementedException();

    public float MaxContentWidth => throw new NotImplementedException();

    // DocumentException when a character is in no font of the library (the message names it, as U+XXXX).
    public static ParagraphLayout Create(
        IReadOnlyList<StyledText> content, ParagraphFormat format, FontLibrary fonts, float width) =>
        throw new NotImplementedException();

    // Draws lines [first, first + count) with the first line's top at y and the paragraph's left edge at x: text,
    // underlines, and link areas.
    public void Draw(List<DrawOp> ops, float x, float y, int first, int count) => throw new NotImplementedException();
}
