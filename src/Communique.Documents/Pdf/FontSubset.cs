using System.IO.Compression;
using System.Runtime.InteropServices;
using Communique.Documents.Text;

namespace Communique.Documents.Pdf;

// A face cut down to the glyphs a document uses, by HarfBuzz's own subsetter, ready to embed: glyph ids are kept
// (so a CID is the original glyph id and the PDF needs no CID-to-glyph map), hinting and the layout tables a PDF
// never reads are dropped. Subsets are cached by face and glyph set: letters of one template use the same glyphs.
internal sealed partial class FontSubset
{
    private const string Library = "libHarfBuzzSharp";
    private const uint NoHinting = 0x1;
    private const uint RetainGids = 0x2;
    private const uint NoLayoutClosure = 0x200;
    private const int DropTableSet = 3;

    private static readonly BoundedCache<FontSubsetKey, FontSubset> s_cache = new(64L << 20);

    private static readonly string[] s_droppedTables =
    [
        "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern", "morx", "mort", "kerx", "feat", "trak", "DSIG",
        "name", "post", "cmap", "hdmx", "VDMX", "LTSH", "gasp", "vhea", "vmtx", "VORG", "meta", "STAT", "PCLT",
    ];

    private FontSubset(string tag, byte[] compressed, int length)
    {
        Tag = tag;
        Compressed = compressed;
        Length = length;
    }

    // Six capital letters naming the glyph set, prefixed to the font's name as PDF asks of subsets.
    public string Tag { get; }

    // The font program, zlib-compressed (FlateDecode).
    public byte[] Compressed { get; }

    // The font program's length before compression (Length1 of a TrueType font file).
    public int Length { get; }

    // Glyphs must be sorted and distinct.
    public static FontSubset Get(FontFace face, ushort[] glyphs) =>
        s_cache.GetOrAdd(new FontSubsetKey(face, glyphs), Create, subset => subset.Compressed.Length + 64);

    private static FontSubset Create(FontSubsetKey key)
    {
        var face = key.Face;
        var input = CreateInput();
        if (input == 0)
        {
            throw new InvalidOperationException("HarfBuzz could not make a subset input.");
        }

        try
        {
            var glyphSet = InputSet(input, 0);
            foreach (var glyph in key.Glyphs)
            {
                SetAdd(glyphSet, glyph);
            }

            var dropped = InputSet(input, DropTableSet);
            foreach (var table in s_droppedTables)
            {
                SetAdd(dropped, (uint)(table[0] << 24 | table[1] << 16 | table[2] << 8 | table[3]));
            }

            SetFlags(input, NoHinting | RetainGids | NoLayoutClosure);
            var subset = SubsetOrFail(face.Face.Handle, input);
            if (subset == 0)
            {
                throw new DocumentException($"The font {face.PostScriptName} could not be subset for embedding.");
            }

            try
            {
                var blob = FaceReferenceBlob(subset);
                try
                {
                    var data = BlobGetData(blob, out var length);
                    ReadOnlySpan<byte> program;
                    unsafe
                    {
                        program = new ReadOnlySpan<byte>((void*)data, (int)length);
                    }

                    using var compressed = new MemoryStream();
                    using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
                    {
                        zlib.Write(program);
                    }

                    return new FontSubset(TagOf(face.PostScriptName, key.Glyphs), compressed.ToArray(), (int)length);
                }
                finally
                {
                    BlobDestroy(blob);
                }
            }
            finally
            {
                FaceDestroy(subset);
            }
        }
        finally
        {
            InputDestroy(input);
        }
    }

    // From the face's name and the glyph set (not from anything that varies between runs, so that files stay the
    // same for the same input): two subsets in one file get different tags.
    private static string TagOf(string name, ushort[] glyphs)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        foreach (var glyph in glyphs)
        {
            hash = (hash ^ glyph) * 1099511628211UL;
        }

        Span<char> tag = stackalloc char[6];
        for (var i = 0; i < tag.Length; i++)
        {
            tag[i] = (char)('A' + hash % 26);
            hash /= 26;
        }

        return new string(tag);
    }

    [LibraryImport(Library, EntryPoint = "hb_subset_input_create_or_fail")]
    private static partial nint CreateInput();

    [LibraryImport(Library, EntryPoint = "hb_subset_input_set")]
    private static partial nint InputSet(nint input, int setType);

    [LibraryImport(Library, EntryPoint = "hb_subset_input_set_flags")]
    private static partial void SetFlags(nint input, uint flags);

    [LibraryImport(Library, EntryPoint = "hb_subset_input_destroy")]
    private static partial void InputDestroy(nint input);

    [LibraryImport(Library, EntryPoint = "hb_set_add")]
    private static partial void SetAdd(nint set, uint value);

    [LibraryImport(Library, EntryPoint = "hb_subset_or_fail")]
    private static partial nint SubsetOrFail(nint face, nint input);

    [LibraryImport(Library, EntryPoint = "hb_face_reference_blob")]
    private static partial nint FaceReferenceBlob(nint face);

    [LibraryImport(Library, EntryPoint = "hb_face_destroy")]
    private static partial void FaceDestroy(nint face);

    [LibraryImport(Library, EntryPoint = "hb_blob_get_data")]
    private static partial nint BlobGetData(nint blob, out uint length);

    [LibraryImport(Library, EntryPoint = "hb_blob_destroy")]
    private static partial void BlobDestroy(nint blob);

    private readonly struct FontSubsetKey : IEquatable<FontSubsetKey>
    {
        private readonly int _hash;

        public FontSubsetKey(FontFace face, ushort[] glyphs)
        {
            Face = face;
            Glyphs = glyphs;
            var hash = new HashCode();
            hash.Add(face.Id);
            hash.AddBytes(MemoryMarshal.AsBytes(glyphs.AsSpan()));
            _hash = hash.ToHashCode();
        }

        public FontFace Face { get; }

        public ushort[] Glyphs { get; }

        public bool Equals(FontSubsetKey other) =>
            Face.Id == other.Face.Id && Glyphs.AsSpan().SequenceEqual(other.Glyphs);

        public override bool Equals(object? obj) => obj is FontSubsetKey other && Equals(other);

        public override int GetHashCode() => _hash;
    }
}
