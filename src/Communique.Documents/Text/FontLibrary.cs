using System.Collections.Concurrent;

namespace Communique.Documents.Text;

// The fonts a document may use: the bundled ones (shared by every library, loaded once) and, in a library made with
// WithFonts, fonts uploaded to the asset library, which come first. Resolve picks a family's face nearest to the
// weight and style asked; characters that face lacks fall back, per character, to the first face that has them.
//
// A library is immutable and safe to share between threads. Make one per set of uploaded fonts and keep it: its
// faces are parsed once and the shaping cache is keyed by face.
public sealed class FontLibrary
{
    // The bundled faces that take characters the style's own family lacks, in this order.
    private static readonly string[] FallbackFamilies =
        ["Liberation Sans", "Noto Sans Arabic", "Noto Sans Hebrew", "Droid Sans Fallback"];

    private static readonly Lazy<FontLibrary> BundledLibrary = new(LoadBundled);

    // Every face, uploaded ones first; and per family (case-insensitive) its faces in the same order.
    private readonly FontFace[] _faces;
    private readonly Dictionary<string, FontFace[]> _families;
    private readonly string[] _familyNames;
    private readonly ConcurrentDictionary<(int Face, bool Bold, bool Italic), FontFace[]> _chains = new();

    private FontLibrary(FontFace[] faces)
    {
        _faces = faces;
        _families = new Dictionary<string, FontFace[]>(StringComparer.OrdinalIgnoreCase);
        var names = new List<string>();
        foreach (var face in faces)
        {
            if (_families.TryGetValue(face.Family, out var known))
            {
                _families[face.Family] = [.. known, face];
            }
            else
            {
                _families[face.Family] = [face];
                names.Add(face.Family);
            }
        }

        _familyNames = [.. names];
    }

    public static FontLibrary Bundled => BundledLibrary.Value;

    // Uploaded families first, then the bundled ones.
    public IReadOnlyCollection<string> Families => _familyNames;

    // A library whose uploaded faces come before the bundled ones (which it shares, unparsed again). DocumentException
    // when a file is not a font.
    public FontLibrary WithFonts(IEnumerable<byte[]> fonts)
    {
        ArgumentNullException.ThrowIfNull(fonts);
        return WithFaces(fonts.Select(data => FontFace.Load(data)).ToList());
    }

    // This library with the given faces ahead of its own.
    public FontLibrary WithFaces(IEnumerable<FontFace> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        return new FontLibrary([.. faces, .. _faces]);
    }

    public bool HasFamily(string family)
    {
        ArgumentNullException.ThrowIfNull(family);
        return _families.ContainsKey(family.Trim());
    }

    // DocumentException when the family is neither bundled nor uploaded.
    public FontFace Resolve(string family, bool bold, bool italic)
    {
        ArgumentNullException.ThrowIfNull(family);
        if (!_families.TryGetValue(family.Trim(), out var faces))
        {
            throw new DocumentException(
                $"The font family \"{family}\" is neither bundled nor uploaded. The families are: "
                + string.Join(", ", _familyNames) + ".");
        }

        return Nearest(faces, bold, italic);
    }

    // The faces to try, in order, for a character of a style whose face is `primary`: that face, the rest of its
    // family, the bundled fallback families, then every other face. Each family contributes its faces nearest to the
    // weight and style first.
    internal FontFace[] FallbackChain(FontFace primary, bool bold, bool italic) =>
        _chains.GetOrAdd((primary.Id, bold, italic), _ => BuildChain(primary, bold, italic));

    private FontFace[] BuildChain(FontFace primary, bool bold, bool italic)
    {
        var chain = new List<FontFace> { primary };
        AddFamily(chain, primary.Family, bold, italic);
        foreach (var family in FallbackFamilies)
        {
            AddFamily(chain, family, bold, italic);
        }

        foreach (var family in _familyNames)
        {
            AddFamily(chain, family, bold, italic);
        }

        return [.. chain];
    }

    private void AddFamily(List<FontFace> chain, string family, bool bold, bool italic)
    {
        if (!_families.TryGetValue(family, out var faces))
        {
            return;
        }

        for (var distance = 0; distance <= 3; distance++)
        {
            foreach (var face in faces)
            {
                if (Distance(face, bold, italic) == distance && !chain.Contains(face))
                {
                    chain.Add(face);
                }
            }
        }
    }

    private static FontFace Nearest(FontFace[] faces, bool bold, bool italic)
    {
        var best = faces[0];
        foreach (var face in faces)
        {
            if (Distance(face, bold, italic) < Distance(best, bold, italic))
            {
                best = face;
            }
        }

        return best;
    }

    // Weight matters more than slant: a bold italic asked of a family with only regular and bold takes the bold.
    private static int Distance(FontFace face, bool bold, bool italic) =>
        (face.Bold == bold ? 0 : 2) + (face.Italic == italic ? 0 : 1);

    private static FontLibrary LoadBundled()
    {
        var assembly = typeof(FontLibrary).Assembly;
        var names = new List<string>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (name.StartsWith("Fonts.", StringComparison.Ordinal) && name.EndsWith(".ttf", StringComparison.Ordinal))
            {
                names.Add(name);
            }
        }

        // Liberation Sans (the default) first, so that it leads the list of families in messages.
        names.Sort((a, b) => IsDefault(a) == IsDefault(b) ? string.CompareOrdinal(a, b) : IsDefault(a) ? -1 : 1);
        var faces = new FontFace[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            using var stream = assembly.GetManifestResourceStream(names[i])!;
            var data = new byte[stream.Length];
            stream.ReadExactly(data);
            faces[i] = FontFace.Load(data);
        }

        return new FontLibrary(faces);
    }

    private static bool IsDefault(string resource) =>
        resource.StartsWith("Fonts.LiberationSans-", StringComparison.Ordinal);
}
