namespace Communique.Chat.Expressions;

// A node of a parsed expression: immutable, so one tree serves any number of evaluations at once. Every visit counts
// as a step against the evaluation's limit.
internal abstract class ExpressionNode(int position)
{
    public int Position { get; } = position;

    public object? Evaluate(Evaluation evaluation)
    {
        evaluation.Step(Position);
        return Compute(evaluation);
    }

    protected abstract object? Compute(Evaluation evaluation);

    protected ExpressionException Error(string message) => new($"at {Position}: {message}");

    protected string Checked(string text) =>
        ExpressionLimits.TooLong(text.Length) ? throw Error(ExpressionLimits.TooLongMessage) : text;
}
