using SkiaSharp;

namespace Communique.Video;

// Fits a text into its box: words wrap to the box's width, and the size shrinks until every line fits across and all
// of them fit down; a word too long for a line even at the smallest size breaks between characters, and lines that
// still do not fit are left out, so text never leaves its box. The block is centred down the box; each line is placed
// across it by the alignment. Positions are of each line's left end on its baseline, which the player and the
// renderer both draw at.
public static class VideoLayout
{
    public const double LineHeight = 1.2;
    public const double MinSize = 6;

    public static (double Size, IReadOnlyList<VideoPlanLine> Lines) Fit(
        string text, string fontKey, double size, string align, double x, double y, double width, double height)
    {
        ArgumentNullException.ThrowIfNull(text);
        var paragraphs = text.ReplaceLineEndings("\n").Split('\n').Select(p => p.Trim()).ToArray();
        using var font = new SKFont(VideoFonts.Typeface(fontKey), (float)size);
        List<string> lines;
        while (true)
        {
            font.Size = (float)size;
            var fits = Wrap(paragraphs, font, width, breakWords: false, out lines);
            if ((fits && lines.Count * size * LineHeight <= height) || size <= MinSize)
            {
                break;
            }

            size = Math.Max(MinSize, Math.Floor(size * 0.92));
        }

        Wrap(paragraphs, font, width, breakWords: true, out lines);
        var shown = Math.Max(1, Math.Min(lines.Count, (int)Math.Floor(height / (size * LineHeight))));
        lines = lines.Take(shown).ToList();
        var metrics = font.Metrics;
        var lineHeight = size * LineHeight;
        var top = y + (height - lines.Count * lineHeight) / 2;
        var placed = new List<VideoPlanLine>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var measured = font.MeasureText(lines[i]);
            var left = align switch
            {
                "center" => x + (width - measured) / 2,
                "right" => x + width - measured,
                _ => x,
            };
            var baseline = top + i * lineHeight + (lineHeight - (metrics.Descent - metrics.Ascent)) / 2
                - metrics.Ascent;
            placed.Add(new VideoPlanLine(lines[i], Round(left), Round(baseline)));
        }

        return (size, placed);
    }

    private static double Round(double value) => Math.Round(value, 2);

    // False when a word is wider than the box (then, with breakWords, it is broken between characters).
    private static bool Wrap(string[] paragraphs, SKFont font, double width, bool breakWords, out List<string> lines)
    {
        lines = [];
        var fits = true;
        foreach (var paragraph in paragraphs)
        {
            var line = "";
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (font.MeasureText(candidate) <= width)
                {
                    line = candidate;
                    continue;
                }

                if (line.Length > 0)
                {
                    lines.Add(line);
                }

                line = word;
                if (font.MeasureText(word) <= width)
                {
                    continue;
                }

                fits = false;
                if (!breakWords)
                {
                    continue;
                }

                // Whole characters (surrogate pairs kept together) as many as fit on each line.
                var piece = "";
                var enumerator = System.Globalization.StringInfo.GetTextElementEnumerator(word);
                while (enumerator.MoveNext())
                {
                    var element = enumerator.GetTextElement();
                    if (piece.Length > 0 && font.MeasureText(piece + element) > width)
                    {
                        lines.Add(piece);
                        piece = "";
                    }

                    piece += element;
                }

                line = piece;
            }

            lines.Add(line);
        }

        return fits;
    }
}
