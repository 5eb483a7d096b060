using System.Text.Encodings.Web;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Communique.Rendering;

// `{% capture %}` into a writer bound by the same output and time limits as the render.
internal sealed class BoundedCaptureStatement(string identifier, IReadOnlyList<Statement> statements) : Statement
{
    public override async ValueTask<Completion> WriteToAsync(
        TextWriter writer, TextEncoder encoder, TemplateContext context)
    {
        using var captured = new BoundedWriter((RenderContext)context, 256);
        var completion = Completion.Normal;
        foreach (var statement in statements)
        {
            completion = await statement.WriteToAsync(captured, encoder, context);
            if (completion != Completion.Normal)
            {
                break;
            }
        }
        // Already encoded while captured, like Fluid's own capture.
        context.SetValue(identifier, new StringValue(captured.ToString(), encode: false));
        return completion;
    }
}
