using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using HarfBuzzSharp;

namespace Communique.Documents.Text;

// One face of a font file (TrueType or OpenType), loaded once and shared by every document: its HarfBuzz font for
// shaping, its metrics, and its bytes for embedding. Metrics are fractions of the em (multiply by the font size).
public sealed class FontFace : IDisposable
{
    private static int s_nextId;

    private readonly GCHandle _pinned;
    private readonly Blob _blob;

    // Which code points have a glyph, in pages of 256 filled on first use: fallback asks this for every character of
    // every paragraph, and a native call per character would cost more than the shaping it serves.
    private readonly ulong[]?[] _coverage = new ulong[]?[0x110000 >> 8];

    private FontFace(byte[] data, int index)
    {
        Data = data;
        Index = index;
        _pinned = GCHandle.Alloc(data, GCHandleType.Pinned);
        _blob = new Blob(_pinned.AddrOfPinnedObject(), data.Length, MemoryMode.ReadOnly);
        Face = new Face(_blob, index);
        if (Face.GlyphCount == 0)
        {
            Dispose();
            throw new DocumentException("The font file holds no glyphs: it is not a TrueType or OpenType font.");
        }

        Font = new Font(Face);
        Font.SetFunctionsOpenType();
        UnitsPerEm = Face.UnitsPerEm;
        var extents = Font.TryGetHorizontalFontExtents(out var e) ? e : default;
        Ascent = extents.Ascender / (float)UnitsPerEm;
        Descent = -extents.Descender / (float)UnitsPerEm;
        LineGap = extents.LineGap / (float)UnitsPerEm;
        Family = Name(1) ?? "Unnamed";
        var subfamily = Name(2) ?? "Regular";
        Bold = subfamily.Contains("Bold", StringComparison.OrdinalIgnoreCase);
        Italic = subfamily.Contains("Italic", StringComparison.OrdinalIgnoreCase)
            || subfamily.Contains("Oblique", StringComparison.OrdinalIgnoreCase);
        PostScriptName = Name(6) ?? Family.Replace(" ", "", StringComparison.Ordinal);
        IsCff = Face.Tables.Contains(Tag.Parse("CFF ")) || Face.Tables.Contains(Tag.Parse("CFF2"));
        // The post table gives the top of the underline; a LineOp is centred on its y.
        var metrics = Font.OpenTypeMetrics;
        UnderlineThickness = metrics.TryGetPosition(OpenTypeMetricsTag.UnderlineSize, out var size) && size > 0
            ? size / (float)UnitsPerEm
            : 0.05f;
        UnderlinePosition = metrics.TryGetPosition(OpenTypeMetricsTag.UnderlineOffset, out var offset) && offset != 0
            ? -offset / (float)UnitsPerEm + UnderlineThickness / 2
            : 0.1f;
        Id = Interlocked.Increment(ref s_nextId);
    }

    // Unique per loaded face, for caches keyed by face.
    public int Id { get; }

    public byte[] Data { get; }

    public int Index { get; }

    public string Family { get; }

    public bool Bold { get; }

    public bool Italic { get; }

    public string PostScriptName { get; }

    // Outlines in a CFF table (OpenType/CFF) rather than TrueType's glyf table.
    public bool IsCff { get; }

    public int UnitsPerEm { get; }

    public float Ascent { get; }

    public float Descent { get; }

    public float LineGap { get; }

    // The underline's centre below the baseline (positive is down) and its thickness, from the post table.
    public float UnderlinePosition { get; }

    public float UnderlineThickness { get; }

    internal Face Face { get; }

    internal Font Font { get; }

    public static FontFace Load(byte[] data, int index = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new FontFace(data, index);
    }

    public bool HasGlyph(int codepoint)
    {
        var index = codepoint >> 8;
        if ((uint)index >= (uint)_coverage.Length)
        {
            return false;
        }

        var page = Volatile.Read(ref _coverage[index]) ?? LoadCoverage(index);
        return (page[(codepoint & 0xFF) >> 6] >> (codepoint & 63) & 1) != 0;
    }

    public void Dispose()
    {
        Font?.Dispose();
        Face.Dispose();
        _blob.Dispose();
        if (_pinned.IsAllocated)
        {
            _pinned.Free();
        }
    }

    private ulong[] LoadCoverage(int index)
    {
        var page = new ulong[4];
        for (var i = 0; i < 256; i++)
        {
            if (Font.TryGetGlyph((uint)(index << 8 | i), out _))
            {
                page[i >> 6] |= 1UL << (i & 63);
            }
        }

        return Interlocked.CompareExchange(ref _coverage[index], page, null) ?? page;
    }

    // The name table's entry for a name id: Windows Unicode English (US) first, then any Windows Unicode entry, then
    // Macintosh Roman.
    private string? Name(int id)
    {
        using var blob = Face.ReferenceTable(Tag.Parse("name"));
        var table = blob.AsSpan();
        if (table.Length < 6)
        {
            return null;
        }

        var count = BinaryPrimitives.ReadUInt16BigEndian(table[2..]);
        var strings = BinaryPrimitives.ReadUInt16BigEndian(table[4..]);
        (string? Text, int Rank) best = (null, int.MaxValue);
        for (var i = 0; i < count && 6 + i * 12 + 12 <= table.Length; i++)
        {
            var record = table.Slice(6 + i * 12, 12);
            var platform = BinaryPrimitives.ReadUInt16BigEndian(record);
            var language = BinaryPrimitives.ReadUInt16BigEndian(record[4..]);
            var nameId = BinaryPrimitives.ReadUInt16BigEndian(record[6..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(record[8..]);
            var offset = strings + BinaryPrimitives.ReadUInt16BigEndian(record[10..]);
            var rank = platform == 3 ? (language == 0x409 ? 0 : 1) : platform == 1 ? 2 : int.MaxValue;
            if (nameId != id || rank >= best.Rank || offset + length > table.Length)
            {
                continue;
            }

            var bytes = table.Slice(offset, length);
            var text = platform == 3 ? Encoding.BigEndianUnicode.GetString(bytes) : Encoding.Latin1.GetString(bytes);
            best = (text, rank);
        }

        return string.IsNullOrWhiteSpace(best.Text) ? null : best.Text;
    }
}
