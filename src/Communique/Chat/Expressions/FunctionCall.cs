namespace Communique.Chat.Expressions;

// One call's evaluated arguments, with the conversions the functions share. Text arguments take any value as it
// prints; number arguments must be numbers.
internal readonly record struct FunctionCall(
    ExpressionFunction Function, int Position, object?[] Arguments, IExpressionScope Scope)
{
    public int Count => Arguments.Length;

    public object? this[int index] => Arguments[index];

    public string Text(int index) => ExpressionValue.Text(Arguments[index]);

    public decimal Number(int index) => Arguments[index] is decimal d
        ? d
        : throw Fail($"argument {index + 1} must be a number, not {ExpressionValue.KindOf(Arguments[index])}");

    // Truncated toward zero and held within int's range, so that huge positions clamp instead of overflowing.
    public int Integer(int index)
    {
        var d = decimal.Truncate(Number(index));
        return d < int.MinValue ? int.MinValue : d > int.MaxValue ? int.MaxValue : (int)d;
    }

    public string Checked(string text) => ExpressionLimits.TooLong(text.Length)
        ? throw Fail(ExpressionLimits.TooLongMessage)
        : text;

    public ExpressionException Fail(string message) => new($"at {Position}: {Function.Name}: {message}");
}
