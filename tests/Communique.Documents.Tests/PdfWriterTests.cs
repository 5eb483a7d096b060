using System.Text;
using Communique.Documents.Drawing;
using Communique.Documents.Pdf;

namespace Communique.Documents.Tests;

public sealed class PdfWriterTests
{
    [Fact]
    public void A_letter_passes_qpdf_and_embeds_every_font_as_a_subset()
    {
        var path = PdfTools.Save(PdfSamples.Write(PdfSamples.Settings(), PdfSamples.Letter()), "letter");

        var check = PdfTools.Run("qpdf", "--check", path);
        Assert.Contains("No syntax or stream encoding errors", check, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", check, StringComparison.OrdinalIgnoreCase);

        var fonts = PdfTools.Run("pdffonts", path).Split('\n', StringSplitOptions.RemoveEmptyEntries)[2..];
        Assert.Equal(3, fonts.Length);
        Assert.All(fonts, line =>
        {
            Assert.Matches(@"^[A-Z]{6}\+\S+\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes", line);
        });
    }

    [Fact]
    public void Text_is_extracted_as_written()
    {
        var page = new Page(595, 842);
        page.Ops.Add(PdfSamples.Text(50, 80, "Quick brown jumps over 12 lazy dogs."));
        page.Ops.Add(PdfSamples.Text(50, 110, "שלום עולם", "NotoSansHebrew-Regular.ttf", 14));
        page.Ops.Add(PdfSamples.Text(50, 140, "東京都の天気", "DroidSansFallbackFull.ttf", 14));
        var path = PdfTools.Save(PdfSamples.Write(PdfSamples.Settings(), page), "text");

        var text = PdfTools.Run("pdftotext", "-layout", path, "-");

        Assert.Contains("Quick brown jumps over 12 lazy dogs.", text, StringComparison.Ordinal);
        Assert.Contains("東京都の天気", text, StringComparison.Ordinal);
        Assert.Contains("שלום עולם", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Arabic_text_is_extracted_as_written()
    {
        var page = new Page(595, 842);
        page.Ops.Add(PdfSamples.Text(50, 80, "مرحبا بالعالم", "NotoSansArabic-Regular.ttf", 14));
        var path = PdfTools.Save(PdfSamples.Write(PdfSamples.Settings(), page), "arabic");

        var text = PdfTools.Run("pdftotext", "-layout", path, "-");

        Assert.Contains("مرحبا بالعالم", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("שָׁלוֹם", "NotoSansHebrew-Regular.ttf")]
    [InlineData("سلام", "NotoSansArabic-Regular.ttf")]
    [InlineData("مَرْحَبًا", "NotoSansArabic-Regular.ttf")]
    [InlineData("Ψ̈ café ﬁne", "LiberationSans-Regular.ttf")]
    public void Ligatures_and_marks_are_extracted_as_their_characters(string written, string font)
    {
        var run = PdfSamples.Shape(written, PdfSamples.Face(font), 18);
        var page = new Page(595, 842);
        page.Ops.Add(new TextOp(50, 80, run, Color.Black));
        var path = PdfTools.Save(PdfSamples.Write(PdfSamples.Settings(), page), "marks");

        var text = PdfTools.Run("pdftotext", path, "-").Trim('\n', '\f', '\u202B', '\u202C');

        Assert.Equal(written.Normalize(NormalizationForm.FormC), text.Normalize(NormalizationForm.FormC));
        Assert.DoesNotContain("WARNING", PdfTools.Run("qpdf", "--check", path), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_samples_shape_a_ligature_and_raise_marks()
    {
        Assert.Equal(3, PdfSamples.Shape("سلام", PdfSamples.Face("NotoSansArabic-Regular.ttf"), 18).Glyphs.Length);
        var marked = PdfSamples.Shape("مَرْحَبًا", PdfSamples.Face("NotoSansArabic-Regular.ttf"), 18);
        Assert.Contains(marked.YOffsets, offset => offset != 0);
    }

    [Fact]
    public void A_one_page_letter_in_two_families_is_at_most_40_KB()
    {
        var pdf = PdfSamples.Write(PdfSamples.Settings(), PdfSamples.Letter());

        Assert.InRange(pdf.Length, 1, 40 * 1024);
    }
}
