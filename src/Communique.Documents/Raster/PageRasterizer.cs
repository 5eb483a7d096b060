using Communique.Documents.Drawing;

namespace Communique.Documents.Raster;

// Draws a laid-out page into a bitmap (the preview of a page), with the same fonts and images as the PDF.
public static class PageRasterizer
{
    // PNG bytes at the given resolution (dots per inch), on a white background.
    public static byte[] Png(Page page, float dpi) => throw new NotImplementedException();
}
