namespace Communique.Documents.Layout;

// A table as the paginator sees it: its header rows, repeated on every page the table continues on.
internal sealed class TableRun(IReadOnlyList<Slab> headers)
{
    public IReadOnlyList<Slab> Headers { get; } = headers;

    public float HeaderHeight { get; } = headers.Sum(h => h.Height);
}
