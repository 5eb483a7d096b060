using Communique.Documents.Drawing;

namespace Communique.Documents.Pdf;

// Writes a PDF page by page to a stream: each page's content is written when it is added, so memory stays flat
// however many pages; fonts (subset to the glyphs used) and the cross-reference table are written by Finish.
// Images and fonts are written once per file however many pages use them.
public sealed class PdfWriter : IDisposable
{
    public PdfWriter(Stream output, PdfSettings settings) => throw new NotImplementedException();

    public int PageCount => throw new NotImplementedException();

    public void AddPage(Page page) => throw new NotImplementedException();

    public void Finish() => throw new NotImplementedException();

    public void Dispose() => throw new NotImplementedException();
}
