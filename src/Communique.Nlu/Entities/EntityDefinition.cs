namespace Communique.Nlu.Entities;

public enum EntityKind
{
    List,
    Regex,
}

// A value with its synonyms. The value is a synonym of itself; matching is case-insensitive and
// whole-word, and the longest synonym found at a position is the one taken.
public sealed record EntityValue(string Value, IReadOnlyList<string> Synonyms);

// A team-defined entity: a list of values with synonyms (Kind List), or a regular expression
// (Kind Regex, Pattern). A pattern's named group "value", when it matched, is the normalised value;
// otherwise the whole match is.
public sealed record EntityDefinition(string Name, EntityKind Kind, IReadOnlyList<EntityValue> Values, string? Pattern);
