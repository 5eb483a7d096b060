using Communique.Documents.Drawing;
using Communique.Documents.Model;

namespace Communique.Documents.Layout;

// A paginated document: how many pages, and each page's drawing, made when asked for. A short document keeps its
// pages from the first pass; a long one keeps only their count, and is laid out again page by page as it is drawn,
// so that memory holds one page of it at a time whatever its length (the page count must be known before the first
// page is drawn, for "page X of Y").
public sealed class LaidOutDocument
{
    private readonly DocumentSpec _spec;
    private readonly FlowBuilder _flow;
    private readonly List<List<(Slab Slab, float Top)>>? _body;
    private readonly Func<IEnumerable<List<(Slab Slab, float Top)>>> _replay;
    private readonly Dictionary<RunningBlock, List<Slab>> _fixedRunning = [];
    private readonly List<(BoxBlock Box, List<Slab> Slabs)> _boxes;
    private readonly List<DrawOp> _watermark;

    // body: the pages, or null with their count when replay lays them out again.
    internal LaidOutDocument(
        DocumentSpec spec, FlowBuilder flow, List<List<(Slab Slab, float Top)>>? body, int pageCount,
        Func<IEnumerable<List<(Slab Slab, float Top)>>> replay, List<(BoxBlock Box, List<Slab> Slabs)> boxes,
        List<DrawOp> watermark)
    {
        _spec = spec;
        _flow = flow;
        _body = body;
        PageCount = pageCount;
        _replay = replay;
        _boxes = boxes;
        _watermark = watermark;
    }

    public DocumentInfo Info => _spec.Info;

    public int PageCount { get; }

    public IEnumerable<Page> Pages()
    {
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

    private Page Draw(int index, List<(Slab Slab, float Top)> body)
    {
        var spec = _spec.Page;
        var page = new Page(spec.Width, spec.Height);
        page.Ops.AddRange(_watermark);
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

        var placed = body.Select(p => (p.Slab, p.Top + spec.Margins.Top)).ToList();
        SlabStack.Paint(page.Ops, placed, spec.Margins.Left);
        var last = index == PageCount - 1;
        foreach (var (box, slabs) in _boxes)
        {
            var on = box.On switch
            {
                BoxPages.First => first,
                BoxPages.AllButFirst => !first,
                BoxPages.Last => last,
                _ => true,
            };
            if (on)
            {
                SlabStack.Draw(page.Ops, slabs, box.X, box.Y);
            }
        }

        return page;
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
