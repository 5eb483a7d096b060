using Communique.Documents.Drawing;
using Communique.Documents.Model;
using Communique.Documents.Pdf;

namespace Communique.Documents.Layout;

// A laid-out document: its pages and each page's drawing, made when asked for. A short document keeps its pages from
// Lay. A long one is paginated again whenever it is drawn, so that memory holds one page of it at a time whatever its
// length: WriteTo writes it in one pass (each page's body as it is laid out, the headers, footers and last-page boxes
// once the page count they may show is known); Pages and Draw count its pages first. An error in a long document's
// later pages (a block that fits no page) is thrown there, not by Lay.
public sealed class LaidOutDocument
{
    private readonly DocumentSpec _spec;
    private readonly FlowBuilder _flow;
    private readonly List<List<(Slab Slab, float Top)>>? _body;
    private readonly Func<IEnumerable<List<(Slab Slab, float Top)>>> _replay;
    private readonly Dictionary<RunningBlock, List<Slab>> _fixedRunning = [];
    private readonly List<(BoxBlock Box, List<Slab> Slabs)> _boxes;
    private readonly List<DrawOp> _watermark;
    private int? _pageCount;

    // body: the pages, or null when replay lays them out each time they are needed.
    internal LaidOutDocument(
        DocumentSpec spec, FlowBuilder flow, List<List<(Slab Slab, float Top)>>? body,
        Func<IEnumerable<List<(Slab Slab, float Top)>>> replay, List<(BoxBlock Box, List<Slab> Slabs)> boxes,
        List<DrawOp> watermark)
    {
        _spec = spec;
        _flow = flow;
        _body = body;
        _pageCount = body?.Count;
        _replay = replay;
        _boxes = boxes;
        _watermark = watermark;
    }

    public DocumentInfo Info => _spec.Info;

    public int PageCount => _pageCount ??= _replay().Count();

    public IEnumerable<Page> Pages()
    {
        _ = PageCount;
        var index = 0;
        foreach (var body in _body ?? _replay())
        {
            yield return Draw(index++, body);
        }
    }

    public Page Draw(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, PageCount);
        return Draw(index, _body is not null ? _body[index] : _replay().Skip(index).First());
    }

    // Every page into the PDF, in one pass of the layout whatever the document's length.
    public void WriteTo(PdfWriter pdf)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        if (_body is not null || _pageCount is not null)
        {
            foreach (var page in Pages())
            {
                pdf.AddPage(page);
            }

            return;
        }

        var parts = new List<PdfPagePart>();
        foreach (var body in _replay())
        {
            var page = NewPage();
            page.Ops.AddRange(_watermark);
            DrawBody(page, body);
            DrawBoxes(page, parts.Count, last: false, lastOnly: false);
            parts.Add(pdf.AddPart(page));
        }

        _pageCount = parts.Count;
        for (var i = 0; i < parts.Count; i++)
        {
            var page = NewPage();
            DrawRunning(page, i);
            DrawBoxes(page, i, last: i == parts.Count - 1, lastOnly: true);
            pdf.AddPage(page, parts[i]);
        }
    }

    private Page Draw(int index, List<(Slab Slab, float Top)> body)
    {
        var page = NewPage();
        page.Ops.AddRange(_watermark);
        DrawRunning(page, index);
        DrawBody(page, body);
        DrawBoxes(page, index, last: index == PageCount - 1, lastOnly: false);
        return page;
    }

    private Page NewPage() => new(_spec.Page.Width, _spec.Page.Height);

    private void DrawBody(Page page, List<(Slab Slab, float Top)> body)
    {
        var margins = _spec.Page.Margins;
        var placed = body.Select(p => (p.Slab, p.Top + margins.Top)).ToList();
        SlabStack.Paint(page.Ops, placed, margins.Left);
    }

    private void DrawRunning(Page page, int index)
    {
        var spec = _spec.Page;
        var width = spec.Width - spec.Margins.Horizontal;
        var first = index == 0;
        if ((first && _spec.FirstHeader is not null ? _spec.FirstHeader : _spec.Header) is { } header)
        {
            SlabStack.Draw(page.Ops, Running(header, width, index), spec.Margins.Left, spec.HeaderDistance);
        }

        if ((first && _spec.FirstFooter is not null ? _spec.FirstFooter : _spec.Footer) is { } footer)
        {
            var slabs = Running(footer, width, index);
            SlabStack.Draw(page.Ops, slabs, spec.Margins.Left,
                spec.Height - spec.FooterDistance - SlabStack.Height(slabs));
        }
    }

    // The boxes this page carries; lastOnly: only those of the last page (known once the page count is).
    private void DrawBoxes(Page page, int index, bool last, bool lastOnly)
    {
        var first = index == 0;
        foreach (var (box, slabs) in _boxes)
        {
            var on = box.On switch
            {
                BoxPages.First => first && !lastOnly,
                BoxPages.AllButFirst => !first && !lastOnly,
                BoxPages.Last => last,
                _ => !lastOnly,
            };
            if (on)
            {
                SlabStack.Draw(page.Ops, slabs, box.X, box.Y);
            }
        }
    }

    // A header or footer: laid out once when it shows no page number, else for each page.
    private List<Slab> Running(RunningBlock block, float width, int index)
    {
        if (_fixedRunning.TryGetValue(block, out var slabs))
        {
            return slabs;
        }

        slabs = _flow.Build(block.Content, width, index + 1, PageCount);
        if (!HasPageNumbers(block.Content))
        {
            _fixedRunning[block] = slabs;
        }

        return slabs;
    }

    private static bool HasPageNumbers(IEnumerable<Block> blocks) => blocks.Any(b => b switch
    {
        ParagraphBlock p => p.Content.Any(i => i is PageNumberInline),
        GroupBlock g => HasPageNumbers(g.Content),
        ListBlock l => l.Items.Any(HasPageNumbers),
        TableBlock t => t.HeaderRows.Concat(t.Rows).Any(r => r.Cells.Any(c => HasPageNumbers(c.Content))),
        _ => false,
    });
}
