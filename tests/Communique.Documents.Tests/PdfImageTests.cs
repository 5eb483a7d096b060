using System.Text;
using Communique.Documents.Drawing;

namespace Communique.Documents.Tests;

public sealed class PdfImageTests
{
    [Fact]
    public void PNG_with_alpha_JPEG_and_SVG_images_are_embedded_once_however_often_they_are_drawn()
    {
        var png = ImageSource.Load(PdfSamples.PngWithAlpha());
        var jpeg = ImageSource.Load(PdfSamples.Jpeg());
        var svg = ImageSource.Load(Encoding.UTF8.GetBytes(
            "<svg xmlns='http://www.w3.org/2000/svg' width='20' height='10'><rect width='20' height='5' fill='red'/>"
            + "</svg>"));
        var first = new Page(595, 842);
        first.Ops.Add(new ImageOp(50, 50, 80, 60, png));
        first.Ops.Add(new ImageOp(150, 50, 64, 48, jpeg));
        first.Ops.Add(new ImageOp(250, 50, 40, 20, svg));
        var second = new Page(595, 842);
        second.Ops.Add(new ImageOp(50, 50, 80, 60, png));
        second.Ops.Add(new ImageOp(150, 50, 64, 48, jpeg));
        var path = PdfTools.Save(PdfSamples.Write(PdfSamples.Settings(), first, second), "images");

        var list = PdfTools.Run("pdfimages", "-list", path).Split('\n', StringSplitOptions.RemoveEmptyEntries)[2..]
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();

        // page num type width height color comp bpc enc interp object ...
        Assert.Contains(list, l => l[0] == "1" && l[2] == "image" && l[3] == "40" && l[5] == "rgb" && l[8] == "image");
        Assert.Contains(list, l => l[0] == "1" && l[2] == "smask" && l[3] == "40" && l[5] == "gray");
        Assert.Contains(list, l => l[0] == "1" && l[3] == "64" && l[5] == "rgb" && l[8] == "jpeg");
        Assert.Contains(list, l => l[0] == "1" && l[3] == "167" && l[4] == "84" && l[2] == "image");
        // pdfimages lists a soft mask under its image's object; page 2 shows the objects of page 1 again.
        Assert.Equal(3, list.Select(l => l[10]).Distinct().Count());
        Assert.Equal(8, list.Length);
        Assert.DoesNotContain("WARNING", PdfTools.Run("qpdf", "--check", path), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_grey_JPEG_is_stored_as_it_is_in_its_own_colour_space()
    {
        var jpeg = PdfSamples.Jpeg(32, 16, grey: true);
        var page = new Page(200, 200);
        page.Ops.Add(new ImageOp(10, 10, 64, 32, ImageSource.Load(jpeg)));
        var pdf = PdfSamples.Write(PdfSamples.Settings(archival: true), page);
        var path = PdfTools.Save(pdf, "grey");

        var list = PdfTools.Run("pdfimages", "-list", path);

        Assert.Matches(@"1\s+0\s+image\s+32\s+16\s+gray\s+1\s+8\s+jpeg", list);
        Assert.True(pdf.AsSpan().IndexOf(jpeg) >= 0, "the JPEG file is in the PDF byte for byte");
    }
}
