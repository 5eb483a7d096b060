namespace Communique.Chat.Expressions;

// + - * / % on decimals; + joins text when either side is text. Overflow and division by zero are the author's
// errors, reported like type errors rather than escaping as .NET exceptions.
internal sealed class ArithmeticNode(Token operation, ExpressionNode left, ExpressionNode right)
    : ExpressionNode(operation.Position)
{
    protected override object? Compute(Evaluation evaluation)
    {
        var a = left.Evaluate(evaluation);
        var b = right.Evaluate(evaluation);
        if (operation.Kind == TokenKind.Plus && (a is string || b is string))
        {
            var first = ExpressionValue.Text(a);
            var second = ExpressionValue.Text(b);
            if (ExpressionLimits.TooLong((long)first.Length + second.Length))
            {
                throw Error(ExpressionLimits.TooLongMessage);
            }
            return first + second;
        }
        if (a is not decimal x || b is not decimal y)
        {
            var verb = operation.Kind == TokenKind.Plus ? "needs two numbers or text" : "needs two numbers";
            throw Error(
                $"'{operation.Text}' {verb}, not {ExpressionValue.KindOf(a)} and {ExpressionValue.KindOf(b)}");
        }
        if (y == 0 && operation.Kind is TokenKind.Slash or TokenKind.Percent)
        {
            throw Error("division by zero");
        }
        try
        {
            return operation.Kind switch
            {
                TokenKind.Plus => x + y,
                TokenKind.Minus => x - y,
                TokenKind.Star => x * y,
                TokenKind.Slash => x / y,
                TokenKind.Percent => x % y,
                _ => throw new InvalidOperationException($"{operation.Kind} is not arithmetic."),
            };
        }
        catch (OverflowException)
        {
            throw Error($"the result of '{operation.Text}' is too large for a number");
        }
    }
}
