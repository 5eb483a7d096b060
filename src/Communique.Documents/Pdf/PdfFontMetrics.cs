using System.Buffers.Binary;
using Communique.Documents.Text;
using HarfBuzzSharp;

namespace Communique.Documents.Pdf;

// What a PDF font dictionary says about a face, read once per face: glyph widths in thousandths of the em (the
// units of /W and of TJ adjustments) and the font descriptor's numbers.
internal sealed class PdfFontMetrics
{
    private static readonly BoundedCache<FontFace, PdfFontMetrics> s_cache = new(32L << 20);

    private PdfFontMetrics(FontFace face)
    {
        var font = face.Font;
        font.GetScale(out var scale, out _);
        var unit = 1000.0 / (scale == 0 ? face.UnitsPerEm : scale);
        var widths = new float[face.Face.GlyphCount];
        for (var glyph = 0; glyph < widths.Length; glyph++)
        {
            widths[glyph] = (float)(Math.Round(font.GetHorizontalGlyphAdvance((uint)glyph) * unit * 1000) / 1000);
        }

        Widths = widths;
        var em = 1000.0 / face.UnitsPerEm;
        var head = Table(face, "head");
        BoundingBox = head.Length >= 44
            ?
            [
                Math.Round(BinaryPrimitives.ReadInt16BigEndian(head.AsSpan(36)) * em),
                Math.Round(BinaryPrimitives.ReadInt16BigEndian(head.AsSpan(38)) * em),
                Math.Round(BinaryPrimitives.ReadInt16BigEndian(head.AsSpan(40)) * em),
                Math.Round(BinaryPrimitives.ReadInt16BigEndian(head.AsSpan(42)) * em),
            ]
            : [0, -face.Descent * 1000, 1000, face.Ascent * 1000];
        var post = Table(face, "post");
        ItalicAngle = post.Length >= 16 ? BinaryPrimitives.ReadInt32BigEndian(post.AsSpan(4)) / 65536.0 : 0;
        var fixedPitch = post.Length >= 16 && BinaryPrimitives.ReadUInt32BigEndian(post.AsSpan(12)) != 0;
        var os2 = Table(face, "OS/2");
        var weight = os2.Length >= 6 ? BinaryPrimitives.ReadUInt16BigEndian(os2.AsSpan(4)) : (face.Bold ? 700 : 400);
        CapHeight = os2.Length >= 90 && BinaryPrimitives.ReadUInt16BigEndian(os2) >= 2
            ? Math.Round(BinaryPrimitives.ReadInt16BigEndian(os2.AsSpan(88)) * em)
            : Math.Round(face.Ascent * 700);
        Ascent = Math.Round(face.Ascent * 1000);
        Descent = -Math.Round(face.Descent * 1000);

        // No font table holds the dominant stem width; this is the usual estimate from the weight class.
        StemV = Math.Round(10 + 220 * Math.Clamp(weight - 50, 0, 900) / 900.0);

        // Symbolic: the glyphs are reached by CID, not through a standard Latin encoding.
        Flags = 4 | (fixedPitch ? 1 : 0) | (face.Italic || ItalicAngle != 0 ? 64 : 0);
        PostScriptName = Sanitize(face.PostScriptName);
    }

    public float[] Widths { get; }

    public double[] BoundingBox { get; }

    public double ItalicAngle { get; }

    public double CapHeight { get; }

    public double Ascent { get; }

    public double Descent { get; }

    public double StemV { get; }

    public int Flags { get; }

    public string PostScriptName { get; }

    public static PdfFontMetrics For(FontFace face) =>
        s_cache.GetOrAdd(face, f => new PdfFontMetrics(f), metrics => metrics.Widths.Length * 4L + 256);

    private static byte[] Table(FontFace face, string tag)
    {
        using var blob = face.Face.ReferenceTable(Tag.Parse(tag));
        return blob.AsSpan().ToArray();
    }

    // A PostScript name is printable ASCII without PDF delimiters; a font's name table does not always keep to it.
    private static string Sanitize(string name)
    {
        var chars = name.Where(c => c is > ' ' and < '\x7F' and not ('(' or ')' or '<' or '>' or '[' or ']' or '{'
            or '}' or '/' or '%' or '#')).Take(63).ToArray();
        return chars.Length == 0 ? "Font" : new string(chars);
    }
}
