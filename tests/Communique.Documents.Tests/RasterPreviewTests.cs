using Communique.Documents.Drawing;
using Communique.Documents.Raster;
using SkiaSharp;

namespace Communique.Documents.Tests;

public sealed class RasterPreviewTests
{
    [Fact]
    public void The_preview_is_the_page_size_at_the_resolution_on_white()
    {
        var page = new Page(200, 100);
        page.Ops.Add(new RectOp(0, 0, 100, 100, new Color(255, 0, 0)));

        using var bitmap = SKBitmap.Decode(PageRasterizer.Png(page, 144));

        Assert.Equal((400, 200), (bitmap.Width, bitmap.Height));
        Assert.Equal(new SKColor(255, 0, 0), bitmap.GetPixel(100, 100));
        Assert.Equal(SKColors.White, bitmap.GetPixel(300, 100));
    }

    [Fact]
    public void A_preview_too_large_to_draw_is_refused()
    {
        Assert.Throws<DocumentException>(() => PageRasterizer.Png(new Page(14400, 14400), 300));
    }
}
