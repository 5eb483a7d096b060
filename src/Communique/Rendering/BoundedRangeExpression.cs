using System.Globalization;
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
