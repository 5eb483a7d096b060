using Communique.Rendering;

namespace Communique.Communications;

// Checks Liquid in content at save time, so that a broken template is refused before any send.
public sealed class TemplateSyntax(LiquidTemplates liquid)
{
    public TemplateProblem? Check(string source) =>
        liquid.TryCompile(source, out _, out var error) ? null
            : new TemplateProblem(error.Line, error.Column, error.Message);
}
