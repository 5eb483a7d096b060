using System.Globalization;

namespace Communique.Documents.Layout;

// Stacks the body's slabs onto pages: the larger of two neighbours' spaces between them and none at a page's top;
// a slab that does not fit the rest of the page starts the next one, together with the slabs it must stay with
// (keep-with-next chains, keep-together groups) when they fit a page; a table continuing on a new page repeats its
// header rows first; a slab taller than a page splits if it can, and is an error if it cannot.
internal sealed class Paginator(float bodyHeight)
{
    private readonly List<List<(Slab Slab, float Top)>> _pages = [];
    private List<(Slab Slab, float Top)> _page = null!;
    private float _y;
    private float _pendingSpace;
    private TableRun? _table;

    public List<List<(Slab Slab, float Top)>> Paginate(List<Slab> slabs)
    {
        NewPage(null);
        for (var i = 0; i < slabs.Count; i++)
        {
            var slab = slabs[i];
            // A row of the table placed last continues it: a new page repeats the table's header rows first.
            var table = slab.Table is { } run && !slab.IsTableHeader && run == _table ? run : null;
            if (slab.BreakBefore && _page.Count > 0)
            {
                NewPage(null);
            }

            var together = Together(slabs, i);
            if (_page.Count > 0 && _y + Gap(slab) + together > bodyHeight && together <= bodyHeight - Repeated(slab))
            {
                NewPage(table);
            }

            var tries = 0;
            while (_y + Gap(slab) + slab.Height > bodyHeight)
            {
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
        }

        // A page break at the end (a loop's last row asking for a new page) leaves no page without content.
        if (_pages.Count > 1 && _pages[^1].All(p => p.Slab.Height == 0))
        {
            _pages.RemoveAt(_pages.Count - 1);
        }

        return _pages;
    }

    private float Gap(Slab slab) => _page.Count == 0 ? 0 : Math.Max(_pendingSpace, slab.SpaceBefore);

    // The header rows a new page would repeat before this slab.
    private static float Repeated(Slab slab) =>
        slab.Table is { } table && !slab.IsTableHeader ? table.HeaderHeight : 0;

    // The height of the slabs from i that must go on one page with it.
    private static float Together(List<Slab> slabs, int i)
    {
        var height = slabs[i].Keep is { } keep && keep.First == slabs[i] ? keep.Height : slabs[i].Height;
        for (var j = i; j < slabs.Count - 1 && slabs[j].KeepWithNext; j++)
        {
            height += Math.Max(slabs[j].SpaceAfter, slabs[j + 1].SpaceBefore) + slabs[j + 1].Height;
        }

        return Math.Max(height, slabs[i].Height);
    }

    private void Place(Slab slab)
    {
        _y += Gap(slab);
        _page.Add((slab, _y));
        _y += slab.Height;
        _pendingSpace = slab.SpaceAfter;
        _table = slab.Table;
    }

    private void NewPage(TableRun? table)
    {
        if (_page is { Count: 0 })
        {
            return;
        }

        _page = [];
        _pages.Add(_page);
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
