namespace Communique.Rendering;

// Field is set for MissingField: the dotted path the template asked for ("items.sku").
public sealed record RenderFailure(RenderFailureKind Kind, string Message, string? Field = null);
