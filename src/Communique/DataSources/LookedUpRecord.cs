using Communique.Rendering;

namespace Communique.DataSources;

// A record's values, the formats of its fields, and the locale it is read in (the one asked for, else its data
// source's; null for a record given inline without one).
public sealed record LookedUpRecord(
    IReadOnlyDictionary<string, object?> Values, IReadOnlyDictionary<string, FieldFormat> Formats, string? Locale);
