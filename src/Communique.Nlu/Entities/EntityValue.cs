namespace Communique.Nlu.Entities;

// A value with its synonyms. The value is a synonym of itself; matching is case-insensitive and
// whole-word, and the longest synonym found at a position is the one taken.
public sealed record EntityValue(string Value, IReadOnlyList<string> Synonyms);
