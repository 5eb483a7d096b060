namespace Communique.Documents.Text;

// A piece of a paragraph shaped as one: characters [Start, End) in one style, face and bidi level, between two
// break opportunities, and either all spaces or none. A forced break ('\n') is an item of its own, not shaped.
internal sealed class TextItem(
    int start, int end, int span, TextStyle style, FontFace face, byte level, bool isSpace, ShapedText? shaped)
{
    public int Start { get; } = start;

    public int End { get; } = end;

    // The index of the StyledText the characters come from.
    public int Span { get; } = span;

    public TextStyle Style { get; } = style;

    public FontFace Face { get; } = face;

    public byte Level { get; } = level;

    public bool IsSpace { get; } = isSpace;

    public bool IsNewline => Shaped is null;

    public ShapedText? Shaped { get; } = shaped;

    public float Scale => Style.FontSize / Face.UnitsPerEm;

    // In points, letter spacing included.
    public float Width { get; } = shaped is null ? 0 : Measure(shaped, style, face);

    public bool SameRun(TextItem other) => Span == other.Span && Face == other.Face && Level == other.Level;

    private static float Measure(ShapedText shaped, TextStyle style, FontFace face)
    {
        var units = 0L;
        foreach (var advance in shaped.Advances)
        {
            units += advance;
        }

        var width = units * style.FontSize / face.UnitsPerEm;
        return style.LetterSpacing == 0 ? width : width + style.LetterSpacing * shaped.ClusterCount;
    }
}
