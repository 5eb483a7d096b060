using Communique.Documents.Drawing;
using Communique.Documents.Pdf;

namespace Communique.Documents.Tests;

public sealed class PdfPagesTests
{
    [Fact]
    public void Pages_share_one_font_and_image_object_each_however_many_use_them()
    {
        var logo = ImageSource.Load(PdfSamples.PngWithAlpha());
        var pages = Enumerable.Range(1, 5).Select(n =>
        {
            var page = new Page(595, 842);
            page.Ops.Add(new ImageOp(50, 50, 40, 30, logo));
            page.Ops.Add(PdfSamples.Text(50, 120, $"Page {n} of 5"));
            return page;
        }).ToArray();
        var path = PdfTools.Save(PdfSamples.Write(PdfSamples.Settings(), pages), "pages");

        var info = PdfTools.Run("pdfinfo", path);
        var fonts = PdfTools.Run("pdffonts", path).Split('\n', StringSplitOptions.RemoveEmptyEntries)[2..];
        var text = PdfTools.Run("pdftotext", path, "-");

        Assert.Matches(@"Pages:\s+5", info);
        Assert.Matches(@"Title:\s+Letter to Ms Øster", info);
        Assert.Single(fonts);
        Assert.Contains("Page 5 of 5", text, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", PdfTools.Run("qpdf", "--check", path), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_writer_counts_pages_and_refuses_to_finish_an_empty_file_or_add_after_finishing()
    {
        using var output = new MemoryStream();
        using var writer = new PdfWriter(output, PdfSamples.Settings());

        Assert.Throws<InvalidOperationException>(writer.Finish);
        writer.AddPage(new Page(100, 100));
        writer.AddPage(new Page(100, 100));
        Assert.Equal(2, writer.PageCount);
        writer.Finish();
        Assert.Throws<ObjectDisposedException>(() => writer.AddPage(new Page(100, 100)));
        using var other = new PdfWriter(new MemoryStream(), PdfSamples.Settings());
        Assert.Throws<ArgumentException>(() => other.AddPage(new Page(0, 100)));
    }
}
