namespace Communique.Documents.Print;

// How a batch is prepared for a print house. Duplex: each record starts on a front (odd) page, a blank page added
// where needed. CropMarks: each page gets a bleed margin around its trim size with marks at its corners.
// PageCodes: a Data Matrix on each page carrying the record, the page and the record's page count, for inserters.
public sealed record PrintOptions(bool Duplex = false, bool CropMarks = false, bool PageCodes = false);
