using System.Buffers;
using System.Globalization;
using Communique.Documents.Drawing;

namespace Communique.Documents.Text;

// Makes a ParagraphLayout, in order: a face for every character (fallback), bidi levels, break opportunities, items
// (shaped pieces between breaks), greedy line filling with words too wide broken between grapheme clusters, then
// per line the visual order (UAX #9 rule L2), alignment and glyph runs. One builder per paragraph, on one thread.
internal sealed class ParagraphBuilder
{
    private const float Epsilon = 0.001f;

    private readonly string _text;
    private readonly IReadOnlyList<StyledText> _content;
    private readonly int[] _spanOf;
    private readonly ParagraphFormat _format;
    private readonly FontLibrary _fonts;
    private readonly float _width;
    private readonly FontFace[] _primary;
    private readonly FontFace[] _faceAt;
    private readonly bool[] _breakBefore;
    private readonly List<TextItem> _items = [];
    private byte _baseLevel;
    private byte[]? _levels;

    private ParagraphBuilder(
        string text, IReadOnlyList<StyledText> content, ParagraphFormat format, FontLibrary fonts, float width)
    {
        _text = text;
        _content = content;
        _format = format;
        _fonts = fonts;
        _width = width;
        _primary = new FontFace[content.Count];

        // Per-character scratch, pooled: most paragraphs are short, and a document has many.
        _spanOf = ArrayPool<int>.Shared.Rent(text.Length);
        _faceAt = ArrayPool<FontFace>.Shared.Rent(text.Length);
        _breakBefore = ArrayPool<bool>.Shared.Rent(text.Length + 1);
        Array.Clear(_breakBefore, 0, text.Length + 1);
        var at = 0;
        for (var span = 0; span < content.Count; span++)
        {
            _spanOf.AsSpan(at, content[span].Text.Length).Fill(span);
            at += content[span].Text.Length;
        }
    }

    public static ParagraphLayout Build(
        IReadOnlyList<StyledText> content, ParagraphFormat format, FontLibrary fonts, float width)
    {
        var text = Concatenate(content);
        if (text.Length == 0)
        {
            return new ParagraphLayout([], [], 0, 0, 0);
        }

        var builder = new ParagraphBuilder(text, content, format, fonts, width);
        try
        {
            return builder.Build();
        }
        finally
        {
            builder.Return();
        }
    }

    private ParagraphLayout Build()
    {
        AssignFaces();
        _baseLevel = BidiLevels.BaseLevel(_text, _format.Direction);
        _levels = BidiLevels.Resolve(_text, _baseLevel);
        LineBreaker.Find(_text, _format.Language, _breakBefore);
        MakeItems();
        var (min, max) = ContentWidths();
        var breaks = FillLines();
        return Arrange(breaks, min, max);
    }

    private void Return()
    {
        ArrayPool<int>.Shared.Return(_spanOf);
        ArrayPool<FontFace>.Shared.Return(_faceAt, clearArray: true);
        ArrayPool<bool>.Shared.Return(_breakBefore);
    }

    // The paragraph's text, with control characters other than '\n' read as spaces.
    private static string Concatenate(IReadOnlyList<StyledText> content)
    {
        if (content.Count == 1 && !HasControl(content[0].Text))
        {
            return content[0].Text;
        }

        var length = 0;
        foreach (var piece in content)
        {
            length += piece.Text.Length;
        }

        return string.Create(length, content, static (chars, content) =>
        {
            var at = 0;
            foreach (var piece in content)
            {
                foreach (var c in piece.Text)
                {
                    chars[at++] = c < ' ' && c != '\n' ? ' ' : c;
                }
            }
        });
    }

    private static bool HasControl(string text)
    {
        foreach (var c in text)
        {
            if (c < ' ' && c != '\n')
            {
                return true;
            }
        }

        return false;
    }

    private void AssignFaces()
    {
        for (var span = 0; span < _content.Count; span++)
        {
            var style = _content[span].Style;
            _primary[span] = _fonts.Resolve(style.FontFamily, style.Bold, style.Italic);
        }

        FontFace? previous = null;
        FontFace[]? chain = null;
        var spaces = -1;
        for (var i = 0; i < _text.Length; i++)
        {
            var span = _spanOf[i];
            var primary = _primary[span];
            if (i == 0 || _spanOf[i - 1] != span)
            {
                FaceSpaces(spaces, i, null);
                spaces = -1;
                previous = null;
                chain = null;
            }

            var codepoint = (int)_text[i];
            var pair = char.IsHighSurrogate(_text[i]) && i + 1 < _text.Length && char.IsLowSurrogate(_text[i + 1]);
            if (pair)
            {
                codepoint = char.ConvertToUtf32(_text[i], _text[i + 1]);
            }

            if (previous is not null && previous != primary && IsSpace(codepoint) && previous.HasGlyph(codepoint))
            {
                spaces = spaces < 0 ? i : spaces;
                continue;
            }

            // Most characters are in the style's own face, after one in it too.
            var face = (previous is null || previous == primary) && codepoint != '\n' && primary.HasGlyph(codepoint)
                ? primary
                : FaceFor(codepoint, span, previous, ref chain);
            FaceSpaces(spaces, i, codepoint == '\n' ? null : face);
            spaces = -1;
            _faceAt[i] = face;
            if (pair)
            {
                _faceAt[++i] = face;
            }

            previous = face;
        }

        FaceSpaces(spaces, _text.Length, null);
    }

    // Spaces [start, end) after a character in a fallback face stay in that face when the character after them is
    // in it too, so that an Arabic phrase in a fallback face is not cut at every space; otherwise they take the
    // style's own face (or the first that has them).
    private void FaceSpaces(int start, int end, FontFace? next)
    {
        if (start < 0)
        {
            return;
        }

        var previous = _faceAt[start - 1];
        for (var i = start; i < end; i++)
        {
            var span = _spanOf[i];
            var primary = _primary[span];
            _faceAt[i] = previous == next || !primary.HasGlyph(_text[i]) ? previous : primary;
        }
    }

    private FontFace FaceFor(int codepoint, int span, FontFace? previous, ref FontFace[]? chain)
    {
        var primary = _primary[span];
        if (codepoint == '\n' || IsIgnorable(codepoint))
        {
            return previous ?? primary;
        }

        if (previous is not null && previous != primary && IsMark(codepoint) && previous.HasGlyph(codepoint))
        {
            return previous;
        }

        if (primary.HasGlyph(codepoint))
        {
            return primary;
        }

        var style = _content[span].Style;
        chain ??= _fonts.FallbackChain(primary, style.Bold, style.Italic);
        return FirstWith(chain, codepoint) ?? throw Missing(codepoint);
    }

    private static FontFace? FirstWith(FontFace[] chain, int codepoint)
    {
        foreach (var face in chain)
        {
            if (face.HasGlyph(codepoint))
            {
                return face;
            }
        }

        return null;
    }

    // Format characters (joiners, bidi controls, soft hyphen, word joiner) and variation selectors draw nothing:
    // HarfBuzz hides them, so they need no glyph and go with the character before. The prepended concatenation
    // marks (U+0600 to U+0605 and a few more) are format characters that do draw.
    private static bool IsIgnorable(int codepoint) =>
        codepoint is >= 0xFE00 and <= 0xFE0F or >= 0xE0100 and <= 0xE01EF
        || (CharUnicodeInfo.GetUnicodeCategory(codepoint) == UnicodeCategory.Format
            && codepoint is not (>= 0x0600 and <= 0x0605 or 0x06DD or 0x070F or 0x0890 or 0x0891 or 0x08E2
                or 0x110BD or 0x110CD));

    // A combining mark stays in the face of its base when that face has it.
    private static bool IsMark(int codepoint) =>
        CharUnicodeInfo.GetUnicodeCategory(codepoint)
            is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private static bool IsSpace(int c) => c is ' ' or '\u00A0' or '\u3000';

    // Justification stretches word separators, not ideographic spaces.
    private static bool IsStretchable(char c) => c is ' ' or '\u00A0';

    private static DocumentException Missing(int codepoint)
    {
        var category = CharUnicodeInfo.GetUnicodeCategory(codepoint);
        var what = category switch
        {
            UnicodeCategory.PrivateUse => "a private-use character",
            UnicodeCategory.OtherNotAssigned => "an unassigned code point",
            UnicodeCategory.Surrogate => "half of a surrogate pair",
            UnicodeCategory.Control => "a control character",
            _ => "\"" + char.ConvertFromUtf32(codepoint) + "\"",
        };
        return new DocumentException(string.Create(
            CultureInfo.InvariantCulture, $"The text has the character U+{codepoint:X4} ({what}), which no font has."));
    }

    private byte LevelAt(int i) => _levels is null ? (byte)0 : _levels[i];

    private void MakeItems()
    {
        var i = 0;
        while (i < _text.Length)
        {
            var start = i;
            var span = _spanOf[i];
            if (_text[i] == '\n')
            {
                _items.Add(new TextItem(i, i + 1, span, _content[span].Style, _faceAt[i], LevelAt(i), false, null));
                i++;
                continue;
            }

            var space = IsSpace(_text[i]);
            var face = _faceAt[i];
            var level = LevelAt(i);
            i++;
            while (i < _text.Length && !_breakBefore[i] && _text[i] != '\n' && IsSpace(_text[i]) == space
                && _faceAt[i] == face && _spanOf[i] == span && LevelAt(i) == level)
            {
                i++;
            }

            _items.Add(Shape(start, i, span, face, level, space));
        }
    }

    private TextItem Shape(int start, int end, int span, FontFace face, byte level, bool space)
    {
        var shaped = TextShaper.Shape(face, _text.AsSpan(start, end - start), (level & 1) != 0, _format.Language);
        return new TextItem(start, end, span, _content[span].Style, face, level, space, shaped);
    }

    // The word starting at item k (not a forced break): its items up to the next break opportunity. Ink is its width
    // without the spaces it ends with, trail theirs; inkEnd is the item after its last non-space item.
    private int ScanWord(int k, out float ink, out float trail, out int inkEnd)
    {
        ink = 0;
        trail = 0;
        inkEnd = k;
        var end = k;
        do
        {
            var item = _items[end];
            if (item.IsSpace)
            {
                trail += item.Width;
            }
            else
            {
                ink += trail + item.Width;
                trail = 0;
                inkEnd = end + 1;
            }

            end++;
        }
        while (end < _items.Count && !_items[end].IsNewline && !_breakBefore[_items[end].Start]);

        return end;
    }

    private (float Min, float Max) ContentWidths()
    {
        float min = 0, max = 0, line = 0, lineTrail = 0;
        var k = 0;
        while (k < _items.Count)
        {
            if (_items[k].IsNewline)
            {
                max = Math.Max(max, line);
                line = lineTrail = 0;
                k++;
                continue;
            }

            var indent = k == 0 ? _format.FirstLineIndent : 0;
            var end = ScanWord(k, out var ink, out var trail, out var inkEnd);
            min = Math.Max(min, ink + indent);
            if (inkEnd > k)
            {
                line += indent + lineTrail + ink;
                lineTrail = trail;
            }
            else
            {
                line += indent;
                lineTrail += trail;
            }

            k = end;
        }

        return (min, Math.Max(max, line));
    }

    private float Available(int line) => _width - (line == 0 ? _format.FirstLineIndent : 0);

    // Greedy filling: each word goes on the current line if its ink fits, else starts the next one; a word wider than
    // a whole line is cut between grapheme clusters.
    private List<LineBreak> FillLines()
    {
        var lines = new List<LineBreak>();
        var lineStart = 0;
        float lineInk = 0, lineTrail = 0;
        var empty = true;
        var k = 0;
        while (k < _items.Count)
        {
            var available = Available(lines.Count);
            if (_items[k].IsNewline)
            {
                lines.Add(new LineBreak(lineStart, k + 1, Forced: true));
                lineStart = k + 1;
                lineInk = lineTrail = 0;
                empty = true;
                k++;
                continue;
            }

            var end = ScanWord(k, out var ink, out var trail, out var inkEnd);

            // A word ending in a soft hyphen may end the line, where the hyphen shows: it must fit too.
            var hyphen = inkEnd > k ? Hyphenated(_items[inkEnd - 1])?.Width - _items[inkEnd - 1].Width ?? 0 : 0;
            if (empty)
            {
                if (ink > available + Epsilon && Split(k, inkEnd, available))
                {
                    continue;
                }
            }
            else if (inkEnd > k && lineInk + lineTrail + ink + hyphen > available + Epsilon)
            {
                lines.Add(new LineBreak(lineStart, k, Forced: false));
                lineStart = k;
                lineInk = lineTrail = 0;
                empty = true;
                continue;
            }

            if (inkEnd > k)
            {
                lineInk += lineTrail + ink;
                lineTrail = trail;
            }
            else
            {
                lineTrail += trail;
            }

            empty = false;
            k = end;
        }

        if (!empty)
        {
            lines.Add(new LineBreak(lineStart, _items.Count, Forced: false));
        }

        return lines;
    }

    // Cuts the word of items [k, inkEnd) into pieces of whole grapheme clusters (at least one each) that fit a line:
    // the first the room left, the others a whole width. All cuts are found in one pass and each piece is shaped
    // once, so that a very long unbreakable string costs time in proportion to its length. False when the word is
    // one grapheme cluster.
    private bool Split(int k, int inkEnd, float available)
    {
        var cuts = new List<int>();
        var used = 0f;
        var room = available;
        var lineStart = _items[k].Start;
        for (var j = k; j < inkEnd; j++)
        {
            var item = _items[j];
            var widths = CharWidths(item);
            var at = item.Start;
            while (at < item.End)
            {
                var length = StringInfo.GetNextTextElementLength(_text.AsSpan(at, item.End - at));
                var width = 0f;
                for (var c = at; c < at + length; c++)
                {
                    width += widths[c - item.Start];
                }

                if (used + width > room + Epsilon && at > lineStart)
                {
                    cuts.Add(at);
                    _breakBefore[at] = true;
                    lineStart = at;
                    used = 0;
                    room = _width;
                }

                used += width;
                at += length;
            }
        }

        for (var j = inkEnd - 1; j >= k; j--)
        {
            var item = _items[j];
            var pieces = new List<TextItem>();
            var start = item.Start;
            foreach (var cut in cuts)
            {
                if (cut > start && cut < item.End)
                {
                    pieces.Add(Shape(start, cut, item.Span, item.Face, item.Level, item.IsSpace));
                    start = cut;
                }
            }

            if (pieces.Count > 0)
            {
                pieces.Add(Shape(start, item.End, item.Span, item.Face, item.Level, item.IsSpace));
                _items.RemoveAt(j);
                _items.InsertRange(j, pieces);
            }
        }

        return cuts.Count > 0;
    }

    // An item ending in a soft hyphen as it looks at the end of a line, the hyphen shown; null for any other item
    // or when the face has no hyphen.
    private TextItem? Hyphenated(TextItem item)
    {
        if (item.IsNewline || _text[item.End - 1] != '\u00AD' || !item.Face.HasGlyph('-'))
        {
            return null;
        }

        var length = item.End - item.Start;
        Span<char> chars = length <= 256 ? stackalloc char[length] : new char[length];
        _text.AsSpan(item.Start, length).CopyTo(chars);
        chars[^1] = '-';
        var shaped = TextShaper.Shape(item.Face, chars, (item.Level & 1) != 0, _format.Language);
        return new TextItem(
            item.Start, item.End, item.Span, item.Style, item.Face, item.Level, item.IsSpace, shaped);
    }

    // The width of each character of an item: a cluster's glyphs count for its first character.
    private static float[] CharWidths(TextItem item)
    {
        var widths = new float[item.End - item.Start];
        var shaped = item.Shaped!;
        for (var g = 0; g < shaped.Glyphs.Length; g++)
        {
            widths[shaped.Clusters[g]] += shaped.Advances[g] * item.Scale
                + (shaped.EndsCluster(g) ? item.Style.LetterSpacing : 0);
        }

        return widths;
    }

    private ParagraphLayout Arrange(List<LineBreak> breaks, float min, float max)
    {
        var inks = new int[breaks.Count];
        var natural = new float[breaks.Count];
        var box = _width;
        for (var l = 0; l < breaks.Count; l++)
        {
            inks[l] = breaks[l].Start;
            for (var k = breaks[l].Start; k < breaks[l].End; k++)
            {
                if (!_items[k].IsSpace && !_items[k].IsNewline)
                {
                    inks[l] = k + 1;
                }
            }

            var last = inks[l] - 1;
            if (l < breaks.Count - 1 && !breaks[l].Forced && last >= breaks[l].Start
                && Hyphenated(_items[last]) is { } hyphenated)
            {
                _items[last] = hyphenated;
            }

            for (var k = breaks[l].Start; k < inks[l]; k++)
            {
                natural[l] += _items[k].Width;
            }
        }

        if (!float.IsFinite(box))
        {
            box = 0;
            for (var l = 0; l < breaks.Count; l++)
            {
                box = Math.Max(box, natural[l] + (l == 0 ? _format.FirstLineIndent : 0));
            }
        }

        var lines = new TextLine[breaks.Count];
        var runs = new PlacedRun[breaks.Count][];
        var top = 0f;
        for (var l = 0; l < breaks.Count; l++)
        {
            var (ascent, descent, size) = Metrics(breaks[l]);
            var height = size * _format.LineHeight;
            var indent = l == 0 ? _format.FirstLineIndent : 0;
            var available = box - indent;
            var last = l == breaks.Count - 1 || breaks[l].Forced;
            var spaces = _format.Align == TextAlign.Justify && !last ? CountStretchable(breaks[l].Start, inks[l]) : 0;
            var extra = spaces > 0 && natural[l] < available ? (available - natural[l]) / spaces : 0;
            var width = natural[l] + extra * spaces;
            var offset = Math.Max(0, Offset(available - width)) + (_baseLevel == 0 ? indent : 0);
            runs[l] = Place(breaks[l].Start, inks[l], offset, extra);
            lines[l] = new TextLine(top, height, (height - ascent - descent) / 2 + ascent, width);
            top += height;
        }

        return new ParagraphLayout(lines, runs, top, min, max);
    }

    // Where a line's content starts, given the room it leaves.
    private float Offset(float room)
    {
        var rightToLeft = _baseLevel != 0;
        return _format.Align switch
        {
            TextAlign.Left => 0,
            TextAlign.Right => room,
            TextAlign.Center => room / 2,
            TextAlign.End => rightToLeft ? 0 : room,
            _ => rightToLeft ? room : 0,
        };
    }

    // The largest ascent, descent and font size on the line; an empty line takes its forced break's style.
    private (float Ascent, float Descent, float Size) Metrics(LineBreak line)
    {
        float ascent = 0, descent = 0, size = 0;
        for (var k = line.Start; k < line.End; k++)
        {
            var item = _items[k];
            if (!item.IsNewline || line.End - line.Start == 1)
            {
                var face = item.IsNewline ? _primary[item.Span] : item.Face;
                ascent = Math.Max(ascent, face.Ascent * item.Style.FontSize);
                descent = Math.Max(descent, face.Descent * item.Style.FontSize);
                size = Math.Max(size, item.Style.FontSize);
            }
        }

        return (ascent, descent, size);
    }

    private int CountStretchable(int start, int end)
    {
        var count = 0;
        for (var k = start; k < end; k++)
        {
            if (_items[k].IsSpace)
            {
                for (var c = _items[k].Start; c < _items[k].End; c++)
                {
                    if (IsStretchable(_text[c]))
                    {
                        count++;
                    }
                }
            }
        }

        return count;
    }

    // The glyph runs of items [start, end) in visual order from x = offset: items reordered by level, then
    // neighbours of one style, face and level joined into one run.
    private PlacedRun[] Place(int start, int end, float offset, float extra)
    {
        if (end <= start)
        {
            return [];
        }

        var order = _items;
        if (_levels is not null)
        {
            order = _items.GetRange(start, end - start);
            Reorder(order);
            (start, end) = (0, order.Count);
        }

        var placed = new List<PlacedRun>();
        var x = offset;
        var first = start;
        for (var k = start + 1; k <= end; k++)
        {
            if (k == end || !order[k].SameRun(order[first]))
            {
                var run = Join(order, first, k, extra);
                placed.Add(new PlacedRun(x, run, order[first].Style));
                x += run.Width;
                first = k;
            }
        }

        return [.. placed];
    }

    // UAX #9 rule L2: from the highest level down to the lowest odd one, reverse every run of items at that level
    // or higher.
    private static void Reorder(List<TextItem> order)
    {
        byte highest = 0, lowestOdd = byte.MaxValue;
        foreach (var item in order)
        {
            highest = Math.Max(highest, item.Level);
            if ((item.Level & 1) != 0)
            {
                lowestOdd = Math.Min(lowestOdd, item.Level);
            }
        }

        for (var level = highest; level >= lowestOdd && level > 0; level--)
        {
            var i = 0;
            while (i < order.Count)
            {
                if (order[i].Level < level)
                {
                    i++;
                    continue;
                }

                var j = i;
                while (j < order.Count && order[j].Level >= level)
                {
                    j++;
                }

                order.Reverse(i, j - i);
                i = j;
            }
        }
    }

    private GlyphRun Join(List<TextItem> order, int from, int to, float extra)
    {
        var count = 0;
        int start = int.MaxValue, end = 0;
        for (var k = from; k < to; k++)
        {
            count += order[k].Shaped!.Glyphs.Length;
            start = Math.Min(start, order[k].Start);
            end = Math.Max(end, order[k].End);
        }

        var glyphs = new ushort[count];
        var advances = new float[count];
        var xOffsets = new float[count];
        var yOffsets = new float[count];
        var clusters = new int[count];
        var at = 0;
        for (var k = from; k < to; k++)
        {
            var item = order[k];
            var shaped = item.Shaped!;
            var scale = item.Scale;
            var spacing = item.Style.LetterSpacing;
            for (var g = 0; g < shaped.Glyphs.Length; g++, at++)
            {
                var cluster = item.Start + shaped.Clusters[g];
                glyphs[at] = shaped.Glyphs[g];
                advances[at] = shaped.Advances[g] * scale + (shaped.EndsCluster(g) ? spacing : 0)
                    + (item.IsSpace && IsStretchable(_text[cluster]) ? extra : 0);
                xOffsets[at] = shaped.XOffsets[g] * scale;
                yOffsets[at] = shaped.YOffsets[g] * scale;
                clusters[at] = cluster - start;
            }
        }

        var first = order[from];
        return new GlyphRun(
            first.Face, first.Style.FontSize, glyphs, advances, xOffsets, yOffsets, _text[start..end], clusters,
            (first.Level & 1) != 0);
    }

    // Items [Start, End) of a line; Forced when it ends with a '\n'.
    private readonly record struct LineBreak(int Start, int End, bool Forced);
}
