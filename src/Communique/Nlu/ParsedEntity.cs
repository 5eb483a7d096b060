namespace Communique.Nlu;

public sealed record ParsedEntity(string Entity, string Raw, string Value, int Start, int End);
