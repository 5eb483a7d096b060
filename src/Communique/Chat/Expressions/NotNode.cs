namespace Communique.Chat.Expressions;

internal sealed class NotNode(int position, ExpressionNode operand) : ExpressionNode(position)
{
    protected override object? Compute(Evaluation evaluation) => !ExpressionValue.IsTrue(operand.Evaluate(evaluation));
}
