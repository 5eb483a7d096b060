namespace Communique.Documents.Text;

// The fonts a document may use: the bundled ones (shared by every library, loaded once) and, in a library made with
// WithFonts, fonts uploaded to the asset library, which come first. Resolve picks a family's face nearest to the
// weight and style asked; characters that face lacks fall back, per character, to the first face that has them.
public sealed class FontLibrary
{
    public static FontLibrary Bundled => throw new NotImplementedException();

    public IReadOnlyCollection<string> Families => throw new NotImplementedException();

    public FontLibrary WithFonts(IEnumerable<byte[]> fonts) => throw new NotImplementedException();

    public bool HasFamily(string family) => throw new NotImplementedException();

    // DocumentException when the family is neither bundled nor uploaded.
    public FontFace Resolve(string family, bool bold, bool italic) => throw new NotImplementedException();
}
