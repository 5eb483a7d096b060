namespace Communique.Chat.Expressions;

// The arguments are all evaluated, left to right, before the function runs.
internal sealed class CallNode(int position, ExpressionFunction function, ExpressionNode[] arguments)
    : ExpressionNode(position)
{
    protected override object? Compute(Evaluation evaluation)
    {
        var values = new object?[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            values[i] = arguments[i].Evaluate(evaluation);
        }
        return function.Invoke(new FunctionCall(function, Position, values, evaluation.Scope));
    }
}
