namespace Communique.Documents.Model;

// A forced line break (`<br/>`).
public sealed record LineBreakInline : Inline;
