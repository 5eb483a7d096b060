namespace Communique.DataSources.Import;

// A value of the unique identifier that occurs more than once: where it first occurred and the
// lines (or rows) where it occurs again.
public sealed record Duplicate(string Value, long FirstLine, IReadOnlyList<long> RepeatLines);
