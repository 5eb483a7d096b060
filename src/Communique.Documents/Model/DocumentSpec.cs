namespace Communique.Documents.Model;

// A document as its markup describes it, for one record (Liquid already applied): the page, the running header and
// footer, the body's blocks in reading order, boxes placed at fixed positions, and a watermark.
public sealed class DocumentSpec
{
    public required PageSpec Page { get; init; }

    public DocumentInfo Info { get; init; } = new();

    // Null: none. FirstHeader and FirstFooter replace them on the first page when given (a letter's first page has
    // the letterhead); an empty element there leaves the first page without.
    public RunningBlock? Header { get; init; }

    public RunningBlock? Footer { get; init; }

    public RunningBlock? FirstHeader { get; init; }

    public RunningBlock? FirstFooter { get; init; }

    public List<Block> Body { get; } = [];

    public List<BoxBlock> Boxes { get; } = [];

    public Watermark? Watermark { get; init; }
}
