using System.Collections.Concurrent;
using HarfBuzzSharp;
using Buffer = HarfBuzzSharp.Buffer;

namespace Communique.Documents.Text;

// Shapes pieces of text with HarfBuzz and remembers the result: letters made from one template repeat the same words,
// so most pieces are shaped once per process. The cache is looked up with a span, without allocating a string,
// holds pieces of up to 64 characters, and is emptied when it grows past 20,000 of them (about 6 MB): a template's
// words stay, while the numbers and references of a long statement, each seen once, do not pile up. Each thread
// reuses one HarfBuzz buffer.
internal static class TextShaper
{
    private const int Capacity = 20_000;
    private const int MaxCachedLength = 64;

    private static readonly ConcurrentDictionary<Key, ShapedText> Cache = new(KeyComparer.Instance);
    private static readonly ConcurrentDictionary<Key, ShapedText>.AlternateLookup<Lookup> CacheBySpan =
        Cache.GetAlternateLookup<Lookup>();

    private static readonly ConcurrentDictionary<string, Language> Languages = new(StringComparer.Ordinal);
    private static int s_count;

    [ThreadStatic]
    private static Buffer? t_buffer;

    public static ShapedText Shape(FontFace face, ReadOnlySpan<char> text, bool rightToLeft, string language)
    {
        // Words repeat; a longer piece is rarely seen twice and would make the cache's bound one of count only.
        if (text.Length > MaxCachedLength)
        {
            return Run(face, text, rightToLeft, language);
        }

        var lookup = new Lookup(face.Id, rightToLeft, language, text);
        if (CacheBySpan.TryGetValue(lookup, out var shaped))
        {
            return shaped;
        }

        shaped = Run(face, text, rightToLeft, language);
        if (CacheBySpan.TryAdd(lookup, shaped) && Interlocked.Increment(ref s_count) > Capacity)
        {
            Cache.Clear();
            Interlocked.Exchange(ref s_count, 0);
        }

        return shaped;
    }

    private static ShapedText Run(FontFace face, ReadOnlySpan<char> text, bool rightToLeft, string language)
    {
        var buffer = t_buffer ??= new Buffer();
        buffer.ClearContents();
        buffer.AddUtf16(text);
        buffer.Direction = rightToLeft ? Direction.RightToLeft : Direction.LeftToRight;
        buffer.Language = Languages.GetOrAdd(language, static name => new Language(name));
        buffer.GuessSegmentProperties();
        face.Font.Shape(buffer);
        var infos = buffer.GetGlyphInfoSpan();
        var positions = buffer.GetGlyphPositionSpan();
        var count = infos.Length;
        var glyphs = new ushort[count];
        var advances = new int[count];
        var xOffsets = new int[count];
        var yOffsets = new int[count];
        var clusters = new int[count];
        for (var i = 0; i < count; i++)
        {
            glyphs[i] = (ushort)infos[i].Codepoint;
            clusters[i] = (int)infos[i].Cluster;
            advances[i] = positions[i].XAdvance;
            xOffsets[i] = positions[i].XOffset;
            yOffsets[i] = positions[i].YOffset;
        }

        return new ShapedText(glyphs, advances, xOffsets, yOffsets, clusters);
    }

    private readonly record struct Key(int Face, bool RightToLeft, string Language, string Text);

    private readonly ref struct Lookup(int face, bool rightToLeft, string language, ReadOnlySpan<char> text)
    {
        public int Face { get; } = face;

        public bool RightToLeft { get; } = rightToLeft;

        public string Language { get; } = language;

        public ReadOnlySpan<char> Text { get; } = text;
    }

    private sealed class KeyComparer : IEqualityComparer<Key>, IAlternateEqualityComparer<Lookup, Key>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(Key x, Key y) =>
            x.Face == y.Face && x.RightToLeft == y.RightToLeft
            && string.Equals(x.Language, y.Language, StringComparison.Ordinal)
            && string.Equals(x.Text, y.Text, StringComparison.Ordinal);

        public int GetHashCode(Key obj) => Hash(obj.Face, obj.RightToLeft, obj.Language, obj.Text);

        public bool Equals(Lookup alternate, Key other) =>
            alternate.Face == other.Face && alternate.RightToLeft == other.RightToLeft
            && string.Equals(alternate.Language, other.Language, StringComparison.Ordinal)
            && alternate.Text.SequenceEqual(other.Text);

        public int GetHashCode(Lookup alternate) =>
            Hash(alternate.Face, alternate.RightToLeft, alternate.Language, alternate.Text);

        public Key Create(Lookup alternate) =>
            new(alternate.Face, alternate.RightToLeft, alternate.Language, alternate.Text.ToString());

        private static int Hash(int face, bool rightToLeft, string language, ReadOnlySpan<char> text) =>
            HashCode.Combine(face, rightToLeft, StringComparer.Ordinal.GetHashCode(language), string.GetHashCode(text));
    }
}
