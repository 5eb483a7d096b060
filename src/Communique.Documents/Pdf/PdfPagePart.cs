using Communique.Documents.Drawing;

namespace Communique.Documents.Pdf;

// The first part of a page, written before the rest of it is known (a long document's body, written as it is laid
// out, before the page count its footers show): its content stream, and the resources and links the page will need.
public sealed class PdfPagePart
{
    internal PdfPagePart(
        int contents, List<PdfFont> fonts, List<(string Name, int Number)> images, List<int> opacities,
        List<LinkOp> links)
    {
        Contents = contents;
        Fonts = fonts;
        Images = images;
        Opacities = opacities;
        Links = links;
    }

    internal int Contents { get; }

    internal List<PdfFont> Fonts { get; }

    internal List<(string Name, int Number)> Images { get; }

    internal List<int> Opacities { get; }

    internal List<LinkOp> Links { get; }
}
