using Communique.Documents.Text;

namespace Communique.Documents.Tests;

public sealed class FontLibraryTests
{
    [Fact]
    public void Bundled_families_resolve_case_insensitively_to_the_nearest_face()
    {
        var fonts = FontLibrary.Bundled;

        Assert.Same(fonts, FontLibrary.Bundled);
        Assert.Equal("Liberation Sans", fonts.Families.First());
        Assert.Contains("Droid Sans Fallback", fonts.Families);
        Assert.True(fonts.HasFamily("liberation serif"));
        var boldItalic = fonts.Resolve("LIBERATION SANS", bold: true, italic: true);
        Assert.True(boldItalic.Bold && boldItalic.Italic);
        var monoBoldItalic = fonts.Resolve("Liberation Mono", bold: true, italic: true);
        Assert.True(monoBoldItalic.Bold);
        Assert.False(monoBoldItalic.Italic);
        var arabicItalic = fonts.Resolve("Noto Sans Arabic", bold: false, italic: true);
        Assert.False(arabicItalic.Bold);
        Assert.Equal("Noto Sans Arabic", arabicItalic.Family);
    }

    [Fact]
    public void An_unknown_family_is_an_error_listing_the_families()
    {
        var error = Assert.Throws<DocumentException>(() => FontLibrary.Bundled.Resolve("Comic Sans", false, false));

        Assert.Contains("Comic Sans", error.Message, StringComparison.Ordinal);
        Assert.Contains("Liberation Serif", error.Message, StringComparison.Ordinal);
        Assert.False(FontLibrary.Bundled.HasFamily("Comic Sans"));
    }

    [Fact]
    public void Uploaded_fonts_come_before_the_bundled_ones()
    {
        var fonts = FontLibrary.Bundled.WithFonts([Bundled("LiberationMono-Regular.ttf")]);

        var face = fonts.Resolve("Liberation Mono", bold: false, italic: false);

        Assert.NotSame(FontLibrary.Bundled.Resolve("Liberation Mono", false, false), face);
        Assert.Equal("Liberation Mono", fonts.Families.First());
        Assert.Same(FontLibrary.Bundled.Resolve("Liberation Serif", false, false),
            fonts.Resolve("Liberation Serif", false, false));
        var layout = ParagraphLayout.Create(
            [new StyledText("code", TextStyle.Default with { FontFamily = "Liberation Mono" })], new ParagraphFormat(),
            fonts, 200);
        var ops = new List<Drawing.DrawOp>();
        layout.Draw(ops, 0, 0, 0, 1);
        Assert.Same(face, Assert.IsType<Drawing.TextOp>(Assert.Single(ops)).Run.Face);
    }

    [Fact]
    public void A_file_that_is_not_a_font_is_an_error()
    {
        Assert.Throws<DocumentException>(() => FontLibrary.Bundled.WithFonts(["<svg/>"u8.ToArray()]));
    }

    private static byte[] Bundled(string file)
    {
        using var stream = typeof(FontFace).Assembly.GetManifestResourceStream("Fonts." + file)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
