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

    [Fact]
    public void A_one_page_letter_in_two_fonts_is_at_most_40_KB()
    {
        var pdf = PdfSamples.Write(PdfSamples.Settings(), PdfSamples.Letter());

        Assert.InRange(pdf.Length, 1, 40 * 1024);
    }
}
