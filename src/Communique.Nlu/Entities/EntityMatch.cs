namespace Communique.Nlu.Entities;

// Start and End are UTF-16 indices into the parsed text, so text[Start..End] == Raw.
public sealed record EntityMatch(string Entity, string Raw, string Value, int Start, int End);
