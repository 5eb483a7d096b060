namespace Communique.Chat.Expressions;

// == and != take any two values (different kinds are unequal); the orderings take two numbers or two texts, texts
// ordered ordinally so that a comparison means the same in every culture.
internal sealed class ComparisonNode(Token operation, ExpressionNode left, ExpressionNode right)
    : ExpressionNode(operation.Position)
{
    protected override object? Compute(Evaluation evaluation)
    {
        var a = left.Evaluate(evaluation);
        var b = right.Evaluate(evaluation);
        if (operation.Kind is TokenKind.Equal or TokenKind.NotEqual)
        {
            return ExpressionValue.AreEqual(a, b) == (operation.Kind == TokenKind.Equal);
        }
        var order = (a, b) switch
        {
            (decimal x, decimal y) => x.CompareTo(y),
            (string x, string y) => string.CompareOrdinal(x, y),
            _ => throw Error($"'{operation.Text}' compares two numbers or two texts, not "
                + $"{ExpressionValue.KindOf(a)} and {ExpressionValue.KindOf(b)}"),
        };
        return operation.Kind switch
        {
            TokenKind.Less => order < 0,
            TokenKind.LessOrEqual => order <= 0,
            TokenKind.Greater => order > 0,
            TokenKind.GreaterOrEqual => order >= 0,
            _ => throw new InvalidOperationException($"{operation.Kind} is not a comparison."),
        };
    }
}
