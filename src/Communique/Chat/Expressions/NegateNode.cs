namespace Communique.Chat.Expressions;

internal sealed class NegateNode(int position, ExpressionNode operand) : ExpressionNode(position)
{
    protected override object? Compute(Evaluation evaluation) => operand.Evaluate(evaluation) switch
    {
        decimal d => -d,
        var other => throw Error($"'-' needs a number, not {ExpressionValue.KindOf(other)}"),
    };
}
