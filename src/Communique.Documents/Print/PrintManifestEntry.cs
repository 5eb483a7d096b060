namespace Communique.Documents.Print;

// Where a record's pages are in a merged print file: its first page (1-based), its pages (blank pages for duplex not
// counted) and the sheets of paper they take.
public sealed record PrintManifestEntry(string RecordId, int FirstPage, int PageCount, int SheetCount);
