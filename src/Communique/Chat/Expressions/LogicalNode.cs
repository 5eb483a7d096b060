namespace Communique.Chat.Expressions;

// && and ||: the right side is evaluated only when it decides the result, which is always a bool.
internal sealed class LogicalNode(int position, bool isAnd, ExpressionNode left, ExpressionNode right)
    : ExpressionNode(position)
{
    protected override object? Compute(Evaluation evaluation)
    {
        var first = ExpressionValue.IsTrue(left.Evaluate(evaluation));
        return first == isAnd ? ExpressionValue.IsTrue(right.Evaluate(evaluation)) : first;
    }
}
