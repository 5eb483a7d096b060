using System.Text;
using Communique.Documents.Drawing;
using Communique.Documents.Text;

namespace Communique.Documents.Pdf;

// One face as used in one PDF file: a Type 0 font with Identity-H encoding, so that a glyph's code is its glyph id.
// It gathers the glyphs the pages use and the text each stands for, then writes the font, its subset program,
// widths and a ToUnicode map (so that text can be copied and searched) once, when the file is finished.
internal sealed class PdfFont(FontFace face, string name, int number)
{
    // ToUnicode maps, compressed, by their text: letters of one template map the same glyphs to the same text.
    private static readonly BoundedCache<BytesKey, byte[]> s_toUnicode = new(16L << 20);

    private readonly Dictionary<ushort, GlyphText> _glyphs = [];

    public FontFace Face { get; } = face;

    public string Name { get; } = name;

    public int Number { get; } = number;

    public PdfFontMetrics Metrics { get; } = PdfFontMetrics.For(face);

    // Records the glyphs of a run with the characters each stands for: the first glyph of a cluster (in logical
    // order) stands for all the cluster's characters (several for a ligature, a letter with its marks), the other
    // glyphs (marks shaped apart from their base) for none, so that extractors do not read marks as letters of
    // their own. The characters of one glyph in right-to-left text are listed as they lie on the page, left to
    // right, because text extractors spread a glyph's characters across its width and then reorder the line.
    public void Use(GlyphRun run)
    {
        var glyphs = run.Glyphs;
        var clusters = run.Clusters;
        var start = 0;
        while (start < glyphs.Length)
        {
            var end = start + 1;
            var mapped = _glyphs.TryGetValue(glyphs[start], out var known) && known.Length > 0;
            while (end < glyphs.Length && clusters[end] == clusters[start])
            {
                mapped &= _glyphs.TryGetValue(glyphs[end], out known) && known.Length > 0;
                end++;
            }

            if (!mapped)
            {
                Map(run, start, end);
            }

            start = end;
        }
    }

    public void Write(PdfOutput output)
    {
        var glyphs = new ushort[_glyphs.Count + (_glyphs.ContainsKey(0) ? 0 : 1)];
        var count = 0;
        foreach (var glyph in _glyphs.Keys)
        {
            glyphs[count++] = glyph;
        }

        Array.Sort(glyphs, 0, count);
        if (count < glyphs.Length)
        {
            Array.Copy(glyphs, 0, glyphs, 1, count);
            glyphs[0] = 0;
        }

        var subset = FontSubset.Get(Face, glyphs);
        var baseFont = subset.Tag + "+" + Metrics.PostScriptName;
        var descendant = output.Reserve();
        var descriptor = output.Reserve();
        var program = output.Reserve();
        var toUnicode = output.Reserve();
        output.BeginObject(Number).Ascii("<</Type/Font/Subtype/Type0/BaseFont").Name(baseFont)
            .Ascii("/Encoding/Identity-H/DescendantFonts[").Ref(descendant).Ascii("]/ToUnicode ").Ref(toUnicode)
            .Ascii(">>");
        output.EndObject();

        var buffer = output.BeginObject(descendant).Ascii("<</Type/Font/Subtype")
            .Ascii(Face.IsCff ? "/CIDFontType0" : "/CIDFontType2").Ascii("/BaseFont").Name(baseFont)
            .Ascii("/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/FontDescriptor ")
            .Ref(descriptor);
        if (!Face.IsCff)
        {
            buffer.Ascii("/CIDToGIDMap/Identity");
        }

        WriteWidths(buffer, glyphs);
        buffer.Ascii(">>");
        output.EndObject();

        var metrics = Metrics;
        buffer = output.BeginObject(descriptor).Ascii("<</Type/FontDescriptor/FontName").Name(baseFont)
            .Ascii("/Flags ").Int(metrics.Flags).Ascii("/FontBBox[");
        for (var i = 0; i < 4; i++)
        {
            buffer.Num(metrics.BoundingBox[i]).Ascii(i < 3 ? " " : "]");
        }

        buffer.Ascii("/ItalicAngle ").Num(metrics.ItalicAngle).Ascii("/Ascent ").Num(metrics.Ascent)
            .Ascii("/Descent ").Num(metrics.Descent).Ascii("/CapHeight ").Num(metrics.CapHeight)
            .Ascii("/StemV ").Num(metrics.StemV).Ascii(Face.IsCff ? "/FontFile3 " : "/FontFile2 ").Ref(program)
            .Ascii(">>");
        output.EndObject();

        using var entries = new PdfBuffer(64);
        entries.Ascii("/Filter/FlateDecode");
        _ = Face.IsCff ? entries.Ascii("/Subtype/OpenType") : entries.Ascii("/Length1 ").Int(subset.Length);
        output.StreamObject(program, entries.Span, subset.Compressed);
        var cmap = s_toUnicode.GetOrAdd(
            new BytesKey(ToUnicode(glyphs)), key => PdfWriter.Compress(key.Bytes), bytes => bytes.Length * 4L);
        output.StreamObject(toUnicode, "/Filter/FlateDecode"u8, cmap);
    }

    // Glyphs [start, end) of a run, one cluster.
    private void Map(GlyphRun run, int start, int end)
    {
        var text = run.Text;
        var cluster = run.Clusters[start];
        var next = text.Length;
        foreach (var other in run.Clusters)
        {
            if (other > cluster && other < next)
            {
                next = other;
            }
        }

        var at = Math.Clamp(cluster, 0, text.Length);
        next = Math.Clamp(next, at, text.Length);
        var count = end - start;
        for (var k = 0; k < count; k++)
        {
            // The k-th glyph in logical order: right-to-left runs are stored in visual order.
            var glyph = run.Glyphs[run.RightToLeft ? end - 1 - k : start + k];
            var length = k == 0 ? next - at : 0;
            if (!_glyphs.TryGetValue(glyph, out var known) || known.Length == 0)
            {
                _glyphs[glyph] = new GlyphText(text, at, length, run.RightToLeft);
            }

            at += length;
        }
    }

    // Widths in ranges of consecutive glyph ids: `first [w w w]`.
    private void WriteWidths(PdfBuffer buffer, ushort[] glyphs)
    {
        var widths = Metrics.Widths;
        buffer.Ascii("/W[");
        for (var i = 0; i < glyphs.Length; i++)
        {
            if (i == 0 || glyphs[i] != glyphs[i - 1] + 1)
            {
                buffer.Ascii(i == 0 ? "" : "]").Int(glyphs[i]).Ascii("[");
            }
            else
            {
                buffer.Space();
            }

            buffer.Num(widths[glyphs[i]]);
        }

        buffer.Ascii("]]");
    }

    private byte[] ToUnicode(ushort[] glyphs)
    {
        using var cmap = new PdfBuffer(1024);
        cmap.Ascii(
            "/CIDInit/ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            + "/CIDSystemInfo<</Registry(Adobe)/Ordering(UCS)/Supplement 0>>def\n"
            + "/CMapName/Adobe-Identity-UCS def\n/CMapType 2 def\n"
            + "1 begincodespacerange\n<0000><FFFF>\nendcodespacerange\n");
        var mapped = glyphs.Where(g => _glyphs.TryGetValue(g, out var text) && text.Length > 0).ToArray();
        Span<byte> utf16 = stackalloc byte[64];
        for (var start = 0; start < mapped.Length; start += 100)
        {
            var block = Math.Min(100, mapped.Length - start);
            cmap.Int(block).Ascii(" beginbfchar\n");
            for (var i = start; i < start + block; i++)
            {
                var text = _glyphs[mapped[i]];
                var chars = text.Text.AsSpan(text.Start, Math.Min(text.Length, 32));
                var length = Encoding.BigEndianUnicode.GetBytes(chars, utf16);
                if (text.RightToLeft)
                {
                    ReverseCodePoints(utf16[..length]);
                }

                cmap.Byte((byte)'<').Hex4(mapped[i]).Ascii("><").HexBytes(utf16[..length]).Ascii(">\n");
            }

            cmap.Ascii("endbfchar\n");
        }

        cmap.Ascii("endcmap\nCMapName currentdict/CMap defineresource pop\nend\nend\n");
        return cmap.Span.ToArray();
    }

    // Reverses UTF-16BE text by code points, keeping surrogate pairs whole.
    private static void ReverseCodePoints(Span<byte> utf16)
    {
        var units = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(utf16);
        units.Reverse();
        for (var i = 0; i + 1 < units.Length; i++)
        {
            // Big-endian units read natively: a low surrogate now comes first; put the pair back in order.
            var unit = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(units[i]);
            if (char.IsLowSurrogate((char)unit))
            {
                (units[i], units[i + 1]) = (units[i + 1], units[i]);
                i++;
            }
        }
    }

    private readonly record struct GlyphText(string Text, int Start, int Length, bool RightToLeft);

    private readonly struct BytesKey(byte[] bytes) : IEquatable<BytesKey>
    {
        private readonly int _hash = ComputeHash(bytes);

        public byte[] Bytes { get; } = bytes;

        public bool Equals(BytesKey other) => _hash == other._hash && Bytes.AsSpan().SequenceEqual(other.Bytes);

        public override bool Equals(object? obj) => obj is BytesKey other && Equals(other);

        public override int GetHashCode() => _hash;

        private static int ComputeHash(byte[] bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
}
