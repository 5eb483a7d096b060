using System.Globalization;
using Communique.Documents.Drawing;
using Communique.Documents.Layout;
using Communique.Documents.Model;
using Communique.Documents.Pdf;

namespace Communique.Documents.Print;

// One merged PDF of many records for a print house, written record by record (memory stays flat however many), with
// its manifest: where each record starts, how many pages and sheets it takes.
public sealed class PrintBatchWriter : IDisposable
{
    // The bleed margin around the trim size when crop marks are drawn, and the marks' length and distance from it.
    private const float Bleed = 10 * PageSpec.Millimetre;
    private const float MarkLength = 6 * PageSpec.Millimetre;
    private const float MarkGap = 2 * PageSpec.Millimetre;
    private const float CodeSize = 9 * PageSpec.Millimetre;

    private readonly PdfWriter _pdf;
    private readonly PrintOptions _options;
    private readonly List<PrintManifestEntry> _manifest = [];
    private Page? _lastPage;

    public PrintBatchWriter(Stream output, PdfSettings settings, PrintOptions options)
    {
        _pdf = new PdfWriter(output, settings);
        _options = options;
    }

    public IReadOnlyList<PrintManifestEntry> Manifest => _manifest;

    public int PageCount => _pdf.PageCount;

    public PrintManifestEntry Add(string recordId, LaidOutDocument document)
    {
        ArgumentNullException.ThrowIfNull(recordId);
        ArgumentNullException.ThrowIfNull(document);
        // Counted first: a document that cannot be laid out fails before anything of it is written.
        var count = document.PageCount;
        if (_options.Duplex && _pdf.PageCount % 2 == 1)
        {
            var previous = _lastPage ?? throw new InvalidOperationException("A blank page needs a page before it.");
            _pdf.AddPage(Prepared(new Page(previous.Width, previous.Height), null, 0, 0));
        }

        var first = _pdf.PageCount + 1;
        var number = 0;
        foreach (var page in document.Pages())
        {
            _lastPage = page;
            _pdf.AddPage(Prepared(page, recordId, ++number, count));
        }

        var sheets = _options.Duplex ? (count + 1) / 2 : count;
        var entry = new PrintManifestEntry(recordId, first, count, sheets);
        _manifest.Add(entry);
        return entry;
    }

    public void Finish() => _pdf.Finish();

    public void Dispose() => _pdf.Dispose();

    // The page with its page code, inside a bleed margin with crop marks when asked.
    private Page Prepared(Page page, string? recordId, int number, int count)
    {
        var offset = _options.CropMarks ? Bleed : 0;
        var prepared = new Page(page.Width + 2 * offset, page.Height + 2 * offset);
        foreach (var op in page.Ops)
        {
            prepared.Ops.Add(offset == 0 ? op : Moved(op, offset));
        }

        if (_options.PageCodes && recordId is not null)
        {
            var value = string.Create(CultureInfo.InvariantCulture, $"{recordId}|{number}|{count}");
            BarcodeDrawing.Symbol(prepared.Ops, BarcodeKind.DataMatrix, value, offset + 4 * PageSpec.Millimetre,
                offset + page.Height / 2 - CodeSize / 2, CodeSize);
        }

        if (_options.CropMarks)
        {
            CropMarks(prepared.Ops, offset, page.Width, page.Height);
        }

        return prepared;
    }

    private static void CropMarks(List<DrawOp> ops, float offset, float width, float height)
    {
        foreach (var x in new[] { offset, offset + width })
        {
            foreach (var y in new[] { offset, offset + height })
            {
                var outX = x == offset ? -1 : 1;
                var outY = y == offset ? -1 : 1;
                ops.Add(new LineOp(x + outX * MarkGap, y, x + outX * (MarkGap + MarkLength), y, Color.Black, 0.25f));
                ops.Add(new LineOp(x, y + outY * MarkGap, x, y + outY * (MarkGap + MarkLength), Color.Black, 0.25f));
            }
        }
    }

    private static DrawOp Moved(DrawOp op, float d) => op switch
    {
        TextOp t => t with { X = t.X + d, Baseline = t.Baseline + d },
        RectOp r => r with { X = r.X + d, Y = r.Y + d },
        LineOp l => l with { X1 = l.X1 + d, Y1 = l.Y1 + d, X2 = l.X2 + d, Y2 = l.Y2 + d },
        ImageOp i => i with { X = i.X + d, Y = i.Y + d },
        LinkOp k => k with { X = k.X + d, Y = k.Y + d },
        _ => throw new NotSupportedException($"{op.GetType().Name} cannot be moved."),
    };
}
