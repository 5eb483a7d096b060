using System.Collections.Concurrent;
using Communique.Documents.Text;
using SkiaSharp;

namespace Communique.Video;

// The fonts a video's text may use: the bundled families, the same files for the player in the browser (which draws
// the text) and for the renderer (which draws it into frames), so that both measure and draw alike. A face's key names
// it in plans and in the player's font URLs.
public static class VideoFonts
{
    public const string Default = "Liberation Sans";

    public static readonly string[] Families = ["Liberation Sans", "Liberation Serif", "Liberation Mono"];

    private static readonly ConcurrentDictionary<string, (byte[] Data, SKTypeface Typeface)> Faces = new();

    public static bool Has(string family) => Families.Contains(family.Trim(), StringComparer.OrdinalIgnoreCase);

    // "liberation-sans-bold-italic": lower case, safe in a URL and as a CSS family name.
    public static string Key(string? family, bool bold, bool italic)
    {
        var name = Families.FirstOrDefault(f => f.Equals(family?.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? Default;
        return name.ToLowerInvariant().Replace(' ', '-') + (bold ? "-bold" : "") + (italic ? "-italic" : "");
    }

    // The font file of a key, or null for a key that names no bundled face.
    public static byte[]? File(string key) => TryFace(key, out var face) ? face.Data : null;

    public static SKTypeface Typeface(string key) =>
        TryFace(key, out var face) ? face.Typeface : throw new ArgumentException($"No font has the key {key}.");

    private static bool TryFace(string key, out (byte[] Data, SKTypeface Typeface) face)
    {
        if (Faces.TryGetValue(key, out face))
        {
            return true;
        }

        foreach (var family in Families)
        {
            foreach (var (bold, italic) in new[] { (false, false), (true, false), (false, true), (true, true) })
            {
                if (Key(family, bold, italic) != key)
                {
                    continue;
                }

                var data = FontLibrary.Bundled.Resolve(family, bold, italic).Data;
                face = Faces.GetOrAdd(key, _ => (data, SKTypeface.FromData(SKData.CreateCopy(data))));
                return true;
            }
        }

        return false;
    }
}
