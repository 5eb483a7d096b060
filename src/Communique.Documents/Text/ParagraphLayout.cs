using Communique.Documents.Drawing;

namespace Communique.Documents.Text;

// A paragraph broken into lines for a width: by the Unicode line-breaking rules (UAX #14), shaped by HarfBuzz with
// per-character font fallback, bidirectional text reordered per line (UAX #9), aligned or justified. A word wider
// than the width is broken between grapheme clusters. The layout can draw any run of its lines, so that a paragraph
// can be split between pages.
//
// Spaces at the end of a line take no room and are not drawn. An infinite width lays the paragraph out as wide as
// its longest line. A layout is immutable: it may be drawn from any thread, any number of times.
public sealed class ParagraphLayout
{
    private readonly TextLine[] _lines;
    private readonly PlacedRun[][] _runs;

    internal ParagraphLayout(TextLine[] lines, PlacedRun[][] runs, float height, float min, float max)
    {
        _lines = lines;
        _runs = runs;
        Height = height;
        MinContentWidth = min;
        MaxContentWidth = max;
    }

    public IReadOnlyList<TextLine> Lines => _lines;

    public float Height { get; }

    // The widest piece that cannot be broken, and the width of the whole paragraph on one line (forced breaks
    // excepted): what an auto-width table column needs at least and at most. Both include the first-line indent.
    public float MinContentWidth { get; }

    public float MaxContentWidth { get; }

    // DocumentException when a character is in no font of the library (the message names it, as U+XXXX), or a
    // family is unknown.
    public static ParagraphLayout Create(
        IReadOnlyList<StyledText> content, ParagraphFormat format, FontLibrary fonts, float width)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(fonts);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        return ParagraphBuilder.Build(content, format, fonts, width);
    }

    // Draws lines [first, first + count) with the first line's top at y and the paragraph's left edge at x: text,
    // underlines, and link areas (one per line and link).
    public void Draw(List<DrawOp> ops, float x, float y, int first, int count)
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + count, _lines.Length, nameof(count));
        if (count == 0)
        {
            return;
        }

        var shift = y - _lines[first].Top;
        for (var l = first; l < first + count; l++)
        {
            var line = _lines[l];
            var top = shift + line.Top;
            var baseline = top + line.Ascent;
            var runs = _runs[l];
            foreach (var placed in runs)
            {
                var style = placed.Style;
                ops.Add(new TextOp(x + placed.X, baseline, placed.Run, style.Color));
                if (style.Underline)
                {
                    var face = placed.Run.Face;
                    var at = baseline + face.UnderlinePosition * style.FontSize;
                    ops.Add(new LineOp(
                        x + placed.X, at, x + placed.X + placed.Run.Width, at, style.Color,
                        face.UnderlineThickness * style.FontSize));
                }
            }

            DrawLinks(ops, runs, x, top, line.Height);
        }
    }

    // Neighbouring runs with the same link make one area.
    private static void DrawLinks(List<DrawOp> ops, PlacedRun[] runs, float x, float top, float height)
    {
        var i = 0;
        while (i < runs.Length)
        {
            var link = runs[i].Style.Link;
            if (link is null)
            {
                i++;
                continue;
            }

            var j = i + 1;
            while (j < runs.Length && string.Equals(runs[j].Style.Link, link, StringComparison.Ordinal))
            {
                j++;
            }

            var right = runs[j - 1].X + runs[j - 1].Run.Width;
            ops.Add(new LinkOp(x + runs[i].X, top, right - runs[i].X, height, link));
            i = j;
        }
    }
}
