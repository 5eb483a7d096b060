namespace Communique.Nlu.Entities;

// A team-defined entity: a list of values with synonyms (Kind List), or a regular expression
// (Kind Regex, Pattern). A pattern's named group "value", when it matched, is the normalised value;
// otherwise the whole match is.
public sealed record EntityDefinition(string Name, EntityKind Kind, IReadOnlyList<EntityValue> Values, string? Pattern);
