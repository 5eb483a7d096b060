using Communique.Documents.Text;

namespace Communique.Documents.Drawing;

// Shaped text in one face and size, glyphs in visual order (left to right on the page, whatever the text's
// direction). Positions are in points: each glyph is drawn at the pen position plus its offset, then the pen moves
// by its advance (letter spacing included). Clusters give, for each glyph, the index in Text of the first character
// it was shaped from, so that a PDF can map glyphs back to text (copying, searching, screen readers).
public sealed class GlyphRun(
    FontFace face, float size, ushort[] glyphs, float[] advances, float[] xOffsets, float[] yOffsets, string text,
    int[] clusters, bool rightToLeft)
{
    public FontFace Face { get; } = face;

    public float Size { get; } = size;

    public ushort[] Glyphs { get; } = glyphs;

    public float[] Advances { get; } = advances;

    public float[] XOffsets { get; } = xOffsets;

    // Positive is up, as in fonts.
    public float[] YOffsets { get; } = yOffsets;

    public string Text { get; } = text;

    public int[] Clusters { get; } = clusters;

    public bool RightToLeft { get; } = rightToLeft;

    public float Width
    {
        get
        {
            var width = 0f;
            foreach (var advance in Advances)
            {
                width += advance;
            }

            return width;
        }
    }
}
