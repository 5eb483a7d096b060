using Communique.DataSources.Import;

namespace Communique.DataSources;

public sealed record ImportReport(
    string Mode, long Records, IReadOnlyList<Duplicate>? Duplicates, long DuplicateCount, long BlankKeys,
    string? Error, DateTime At);
