namespace Communique.Chat.Expressions;

internal sealed class LiteralNode(int position, object? value) : ExpressionNode(position)
{
    protected override object? Compute(Evaluation evaluation) => value;
}
