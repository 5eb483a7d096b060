namespace Communique.Chat.Expressions;

internal sealed class ConditionalNode(int position, ExpressionNode condition, ExpressionNode whenTrue,
    ExpressionNode whenFalse) : ExpressionNode(position)
{
    protected override object? Compute(Evaluation evaluation) =>
        ExpressionValue.IsTrue(condition.Evaluate(evaluation))
            ? whenTrue.Evaluate(evaluation)
            : whenFalse.Evaluate(evaluation);
}
