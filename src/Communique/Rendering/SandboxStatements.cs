using System.Globalization;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Communique.Rendering;

// `(a..b)`, refusing a range larger than the collection limit before allocating it.
internal sealed class BoundedRangeExpression(Expression from, Expression to) : Expression
{
    public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
    {
        ((RenderContext)context).Checkpoint();
        var start = (await from.EvaluateAsync(context)).ToNumberValue();
        var end = (await to.EvaluateAsync(context)).ToNumberValue();
        var count = Math.Max(0, decimal.Round(end) - decimal.Round(start) + 1);
        if (count > LiquidTemplates.MaxCollectionItems)
        {
            throw new RenderAbortedException(new RenderFailure(
                RenderFailureKind.CollectionLimit,
                string.Create(CultureInfo.InvariantCulture,
                    $"The range ({start}..{end}) has {count} items, " +
                    $"more than the limit of {LiquidTemplates.MaxCollectionItems}.")));
        }
        var first = (int)decimal.Round(start);
        var values = new FluidValue[(int)count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = NumberValue.Create(first + i);
        }
        return new ArrayValue(values);
    }
}

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
