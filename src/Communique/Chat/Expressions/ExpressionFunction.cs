namespace Communique.Chat.Expressions;

internal sealed record ExpressionFunction(
    string Name, int MinArguments, int MaxArguments, Func<FunctionCall, object?> Invoke)
{
    public string Arity => MinArguments == MaxArguments
        ? $"{MinArguments} argument{(MinArguments == 1 ? "" : "s")}"
        : $"{MinArguments} or {MaxArguments} arguments";
}
