using Communique.Documents.Text;

namespace Communique.Documents.Tests;

public sealed class FontFaceTests
{
    [Fact]
    public void Reads_the_names_and_metrics_of_a_bundled_font()
    {
        using var stream = typeof(FontFace).Assembly.GetManifestResourceStream("Fonts.LiberationSans-BoldItalic.ttf")!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        using var face = FontFace.Load(buffer.ToArray());

        Assert.Equal("Liberation Sans", face.Family);
        Assert.True(face.Bold);
        Assert.True(face.Italic);
        Assert.Equal("LiberationSans-BoldItalic", face.PostScriptName);
        Assert.False(face.IsCff);
        Assert.InRange(face.Ascent, 0.8f, 1f);
        Assert.InRange(face.Descent, 0.1f, 0.3f);
        Assert.True(face.HasGlyph('A'));
        Assert.False(face.HasGlyph(0x6771));
    }

    [Fact]
    public void Refuses_bytes_that_are_not_a_font()
    {
        Assert.Throws<DocumentException>(() => FontFace.Load("not a font at all"u8.ToArray()));
    }
}
