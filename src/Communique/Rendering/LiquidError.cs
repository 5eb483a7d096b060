namespace Communique.Rendering;

public sealed record LiquidError(string Message, int Line, int Column);
