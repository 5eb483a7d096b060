using Fluid;

namespace Communique.Communications;

// Checks Liquid syntax in content at save time, so that a broken template is refused before any send.
public sealed class TemplateSyntax
{
    private static readonly FluidParser Parser = new();

    public TemplateProblem? Check(string source) =>
        Parser.TryParse(source, out _, out var error) ? null : new TemplateProblem(1, 1, error);
}
