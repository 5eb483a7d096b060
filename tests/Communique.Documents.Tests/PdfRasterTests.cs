using System.Text;
using Communique.Documents.Drawing;
using Communique.Documents.Raster;
using Communique.Documents.Text;
using SkiaSharp;

namespace Communique.Documents.Tests;

public sealed class PdfRasterTests
{
    // The mean absolute difference per channel (0-255) allowed between an independent rendering of our PDF and our
    // own PNG preview of the same page at 72 dpi. Both draw the same outlines and pixels, but text anti-aliasing,
    // stroke adjustment and image resampling differ at edges: on this page (mean ink 7.9) poppler and mupdf differ
    // from each other by 1.3, poppler from the preview by 1.7 and mupdf from it by 1.0.
    [Theory]
    [InlineData("pdftoppm", 2.0)]
    [InlineData("mutool", 1.5)]
    public void An_independent_rasteriser_renders_the_PDF_as_the_preview_draws_the_page(string tool, double threshold)
    {
        var page = Sample();
        var pdf = PdfTools.Save(PdfSamples.Write(PdfSamples.Settings(), page), "raster-" + tool);
        var prefix = Path.ChangeExtension(pdf, null);

        if (tool == "mutool")
        {
            PdfTools.Run("mutool", "draw", "-q", "-r", "72", "-o", prefix + ".png", pdf);
        }
        else
        {
            PdfTools.Run("pdftoppm", "-r", "72", "-png", "-singlefile", pdf, prefix);
        }

        using var theirs = SKBitmap.Decode(prefix + ".png");
        var preview = PageRasterizer.Png(page, 72);
        File.WriteAllBytes(prefix + "-preview.png", preview);
        using var ours = SKBitmap.Decode(preview);

        Assert.Equal((theirs.Width, theirs.Height), (ours.Width, ours.Height));
        var difference = MeanDifference(theirs, ours);
        var ink = MeanDifference(ours, Blank(ours.Width, ours.Height));
        Assert.True(difference < threshold, $"mean difference {difference:F3} is not below {threshold} (ink {ink:F3})");
        Assert.True(ink > 2 * threshold, $"the page is nearly empty (ink {ink:F3})");
    }

    // An OpenType font with CFF outlines, as a customer may upload: embedded as a CFF subset (FontFile3) that poppler
    // lists as embedded and subset, extracts as text, and that mupdf draws as the preview does. The font is Debian's
    // fonts-cantarell, installed with the other test tools.
    [Fact]
    public void An_OpenType_CFF_font_is_embedded_as_a_subset_and_drawn_as_the_preview_draws_it()
    {
        var face = FontFace.Load(File.ReadAllBytes("/usr/share/fonts/opentype/cantarell/Cantarell-Regular.otf"));
        Assert.True(face.IsCff);
        var page = new Page(595, 300);
        page.Ops.Add(new TextOp(40, 80, PdfSamples.Shape("Sphinx of black quartz, judge my vow.", face, 24),
            Color.Black));
        page.Ops.Add(new TextOp(40, 160, PdfSamples.Shape("Office affiliations: 0123456789", face, 30),
            new Color(30, 60, 90)));
        var pdf = PdfTools.Save(PdfSamples.Write(PdfSamples.Settings(), page), "cff");
        var prefix = Path.ChangeExtension(pdf, null);

        var check = PdfTools.Run("qpdf", "--check", pdf);
        Assert.Contains("No syntax or stream encoding errors", check, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", check, StringComparison.OrdinalIgnoreCase);
        var fonts = PdfTools.Run("pdffonts", pdf).Split('\n', StringSplitOptions.RemoveEmptyEntries)[2..];
        Assert.Matches(
            @"^[A-Z]{6}\+Cantarell-Regular\s+CID Type 0C \(OT\)\s+Identity-H\s+yes\s+yes\s+yes", Assert.Single(fonts));
        var text = PdfTools.Run("pdftotext", "-layout", pdf, "-");
        Assert.Contains("Sphinx of black quartz, judge my vow.", text, StringComparison.Ordinal);
        Assert.Contains("Office affiliations: 0123456789", text, StringComparison.Ordinal);

        PdfTools.Run("mutool", "draw", "-q", "-r", "72", "-o", prefix + ".png", pdf);
        using var theirs = SKBitmap.Decode(prefix + ".png");
        using var ours = SKBitmap.Decode(PageRasterizer.Png(page, 72));
        var difference = MeanDifference(theirs, ours);
        var ink = MeanDifference(ours, Blank(ours.Width, ours.Height));
        Assert.True(difference < 1.5, $"mean difference {difference:F3} is not below 1.5 (ink {ink:F3})");
        Assert.True(ink > 3, $"the page is nearly empty (ink {ink:F3})");
    }

    private static Page Sample()
    {
        var page = PdfSamples.Letter(paragraphs: 2);
        page.Ops.Add(PdfSamples.Text(64, 520, "שלום עולם", "NotoSansHebrew-Regular.ttf", 16));
        page.Ops.Add(PdfSamples.Text(64, 550, "مرحبا بالعالم", "NotoSansArabic-Bold.ttf", 16));
        page.Ops.Add(PdfSamples.Text(64, 580, "東京都の天気", "DroidSansFallbackFull.ttf", 16));
        page.Ops.Add(new TextOp(300, 700, PdfSamples.Shape("DRAFT", PdfSamples.Face("LiberationSans-Bold.ttf"), 60),
            new Color(200, 0, 0), Rotation: 30, Opacity: 0.3f));
        page.Ops.Add(new RectOp(380, 120, 150, 60, null, new Color(0, 0, 0), 2));
        page.Ops.Add(new ImageOp(380, 200, 80, 60, ImageSource.Load(PdfSamples.PngWithAlpha())));
        page.Ops.Add(new ImageOp(470, 200, 64, 48, ImageSource.Load(PdfSamples.Jpeg())));
        page.Ops.Add(new ImageOp(380, 270, 120, 60, ImageSource.Load(Encoding.UTF8.GetBytes(
            "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 20 10'><rect width='20' height='5' fill='#1e3c5a'/>"
            + "<circle cx='10' cy='7' r='3' fill='orange'/></svg>"))));
        return page;
    }

    internal static double MeanDifference(SKBitmap a, SKBitmap b)
    {
        long sum = 0;
        for (var y = 0; y < a.Height; y++)
        {
            for (var x = 0; x < a.Width; x++)
            {
                var p = a.GetPixel(x, y);
                var q = b.GetPixel(x, y);
                sum += Math.Abs(p.Red - q.Red) + Math.Abs(p.Green - q.Green) + Math.Abs(p.Blue - q.Blue);
            }
        }

        return sum / (3.0 * a.Width * a.Height);
    }

    private static SKBitmap Blank(int width, int height)
    {
        var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.White);
        return bitmap;
    }
}
