using System.Text;
using Communique.Documents.Drawing;
using Communique.Documents.Raster;
using SkiaSharp;

namespace Communique.Documents.Tests;

public sealed class PdfImageTests
{
    [Fact]
    public void PNG_with_alpha_JPEG_and_SVG_images_are_embedded_once_however_often_they_are_drawn()
    {
        var png = ImageSource.Load(PdfSamples.PngWithAlpha());
        var jpeg = ImageSource.Load(PdfSamples.Jpeg());
        // A gradient: drawn as pixels.
        var svg = ImageSource.Load(Encoding.UTF8.GetBytes(
            "<svg xmlns='http://www.w3.org/2000/svg' width='20' height='10'><defs><linearGradient id='g'>"
            + "<stop offset='0' stop-color='red'/><stop offset='1' stop-color='blue'/></linearGradient></defs>"
            + "<rect width='20' height='5' fill='url(#g)'/></svg>"));
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

    // Shapes with solid fills and strokes, a transform, an arc, an even-odd fill and alpha: drawn as outlines in a
    // form XObject (no image in the file), which both independent rasterisers draw as the PNG preview does.
    [Fact]
    public void An_SVG_image_of_plain_shapes_is_drawn_as_vectors()
    {
        var svg = ImageSource.Load(Encoding.UTF8.GetBytes("""
            <svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">
              <rect width="120" height="40" fill="#eef"/>
              <g transform="translate(5 5) rotate(10)">
                <path d="M0 0 L30 0 Q40 15 30 30 Z" fill="#c00" stroke="#000" stroke-width="2"/>
              </g>
              <ellipse cx="80" cy="20" rx="30" ry="12" fill="none" stroke="navy" stroke-width="3"/>
              <path d="M60 5 A 10 10 0 0 1 80 5 Z M65 5 L75 5 L70 2 Z" fill="green" fill-opacity="0.4"
                    fill-rule="evenodd"/>
            </svg>
            """));
        var page = new Page(300, 120);
        page.Ops.Add(new ImageOp(30, 20, 240, 80, svg));
        var path = PdfTools.Save(PdfSamples.Write(PdfSamples.Settings(archival: true), page), "vector");

        var list = PdfTools.Run("pdfimages", "-list", path).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, list.Length);
        var check = PdfTools.Run("qpdf", "--check", path);
        Assert.Contains("No syntax or stream encoding errors", check, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", check, StringComparison.OrdinalIgnoreCase);
        var prefix = Path.ChangeExtension(path, null);
        PdfTools.Run("pdftoppm", "-r", "144", "-png", "-singlefile", path, prefix + "-poppler");
        PdfTools.Run("mutool", "draw", "-q", "-r", "144", "-o", prefix + "-mupdf.png", path);
        using var preview = SKBitmap.Decode(PageRasterizer.Png(page, 144));
        foreach (var rendered in new[] { prefix + "-poppler.png", prefix + "-mupdf.png" })
        {
            using var theirs = SKBitmap.Decode(rendered);
            Assert.Equal((preview.Width, preview.Height), (theirs.Width, theirs.Height));
            var difference = PdfRasterTests.MeanDifference(theirs, preview);
            Assert.True(difference < 1.5, $"{Path.GetFileName(rendered)}: mean difference {difference:F3}");
        }
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
