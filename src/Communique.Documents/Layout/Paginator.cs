using System.Globalization;

namespace Communique.Documents.Layout;

// Stacks the body's slabs onto pages, each page given out as soon as it is full: the larger of two neighbours'
// spaces between them and none at a page's top; a slab that does not fit the rest of the page starts the next one,
// together with the slabs it must stay with (keep-with-next chains, keep-together groups) when they fit a page; a
// table continuing on a new page repeats its header rows first; a slab taller than a page splits if it can, and is
// an error if it cannot. Slabs are read as they are needed, a keep-with-next chain ahead at most.
internal sealed class Paginator(float bodyHeight)
{
    private readonly List<Slab> _ahead = [];
    private IEnumerator<Slab> _source = null!;
    private bool _ended;
    private List<(Slab Slab, float Top)> _page = [];
    private readonly Queue<List<(Slab Slab, float Top)>> _full = [];
    private float _y;
    private float _pendingSpace;
    private TableRun? _table;

    public IEnumerable<List<(Slab Slab, float Top)>> Paginate(IEnumerable<Slab> slabs)
    {
        using var source = slabs.GetEnumerator();
        _source = source;
        var pages = 0;
        while (Next() is { } next)
        {
            var slab = next;
            // A row of the table placed last continues it: a new page repeats the table's header rows first.
            var table = slab.Table is { } run && !slab.IsTableHeader && run == _table ? run : null;
            if (slab.BreakBefore && _page.Count > 0)
            {
                NewPage(null);
            }

            var together = Together();
            if (_page.Count > 0 && _y + Gap(slab) + together > bodyHeight && together <= bodyHeight - Repeated(slab))
            {
                NewPage(table);
            }

            var tries = 0;
            while (_y + Gap(slab) + slab.Height > bodyHeight)
            {
                while (_full.TryDequeue(out var full))
                {
                    pages++;
                    yield return full;
                }

                if (_page.Count > 0 && slab.Height <= bodyHeight - Repeated(slab) && tries == 0)
                {
                    NewPage(table);
                    tries++;
                    continue;
                }

                if (slab.TrySplit(bodyHeight - _y - Gap(slab), out var head, out var tail))
                {
                    Place(head!);
                    NewPage(table);
                    slab = tail!;
                    tries = 0;
                    continue;
                }

                if (_page.Count > 0 && tries == 0)
                {
                    NewPage(table);
                    tries++;
                    continue;
                }

                throw new DocumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{FlowBuilder.Capitalized(slab.Source)} is {slab.Height:0.#}pt tall and cannot be split to fit " +
                    $"a page's body of {bodyHeight:0.#}pt."));
            }

            Place(slab);
            _ahead.RemoveAt(0);
            while (_full.TryDequeue(out var full))
            {
                pages++;
                yield return full;
            }
        }

        // A page break at the end (a loop's last row asking for a new page) leaves no page without content; an empty
        // body still makes one page.
        if (pages == 0 || _page.Any(p => p.Slab.Height > 0))
        {
            yield return _page;
        }
    }

    // The slab to place next, read ahead of the ones after it; null at the end.
    private Slab? Next() => Peek(0);

    private Slab? Peek(int index)
    {
        while (_ahead.Count <= index && !_ended)
        {
            if (_source.MoveNext())
            {
                _ahead.Add(_source.Current);
            }
            else
            {
                _ended = true;
            }
        }

        return index < _ahead.Count ? _ahead[index] : null;
    }

    private float Gap(Slab slab) => _page.Count == 0 ? 0 : Math.Max(_pendingSpace, slab.SpaceBefore);

    // The header rows a new page would repeat before this slab.
    private static float Repeated(Slab slab) =>
        slab.Table is { } table && !slab.IsTableHeader ? table.HeaderHeight : 0;

    // The height of the next slab and those that must go on one page with it; reading ahead stops once the chain is
    // taller than a page (it will be broken anyway).
    private float Together()
    {
        var first = _ahead[0];
        var height = first.Keep is { } keep && keep.First == first ? keep.Height : first.Height;
        for (var j = 0; Peek(j) is { KeepWithNext: true } slab && height <= bodyHeight; j++)
        {
            if (Peek(j + 1) is not { } after)
            {
                break;
            }

            height += Math.Max(slab.SpaceAfter, after.SpaceBefore) + after.Height;
        }

        return Math.Max(height, first.Height);
    }

    private void Place(Slab slab)
    {
        _y += Gap(slab);
        _page.Add((slab, _y));
        _y += slab.Height;
        _pendingSpace = slab.SpaceAfter;
        _table = slab.Table;
    }

    // The page being filled is full (given out by the loop); a new one starts, with the table's headers if any.
    private void NewPage(TableRun? table)
    {
        if (_page.Count == 0)
        {
            return;
        }

        _full.Enqueue(_page);
        _page = [];
        _y = 0;
        _pendingSpace = 0;
        if (table is not null)
        {
            foreach (var header in table.Headers)
            {
                Place(header);
            }
        }
    }
}
