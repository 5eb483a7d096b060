using System.Text.Encodings.Web;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Communique.Rendering;

// `{{ field }}` with no filter: the schema's format for that field, if the render has one.
internal sealed class FieldOutputStatement(OutputStatement output, string path) : Statement
{
    public override ValueTask<Completion> WriteToAsync(TextWriter writer, TextEncoder encoder, TemplateContext context)
    {
        var render = (RenderContext)context;
        var formats = render.RenderOptions.FieldFormats;
        return formats.Count > 0 && formats.TryGetValue(path, out var format)
            ? WriteFormattedAsync(writer, encoder, render, format)
            : output.WriteToAsync(writer, encoder, context);
    }

    private async ValueTask<Completion> WriteFormattedAsync(
        TextWriter writer, TextEncoder encoder, RenderContext context, FieldFormat format)
    {
        context.IncrementSteps();
        var value = await output.Expression.EvaluateAsync(context);
        switch (value)
        {
            case NumberValue number:
                writer.Write(
                    encoder.Encode(LocaleFormatting.FormatField(number.ToNumberValue(), format, context.CultureInfo)));
                break;
            case DateFieldValue date when format.DateFormat is not null:
                writer.Write(encoder.Encode(date.Format(format.DateFormat, context.CultureInfo)));
                break;
            default:
                await value.WriteToAsync(writer, encoder, context.CultureInfo);
                break;
        }
        return Completion.Normal;
    }
}
