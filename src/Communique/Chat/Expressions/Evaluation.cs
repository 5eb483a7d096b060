namespace Communique.Chat.Expressions;

// The state of one Evaluate or Render: the scope and the steps taken so far. Never shared between threads.
internal sealed class Evaluation(IExpressionScope scope)
{
    private int _steps;

    public IExpressionScope Scope { get; } = scope;

    public void Step(int position)
    {
        if (++_steps > ExpressionLimits.MaxSteps)
        {
            throw new ExpressionException(
                $"at {position}: the evaluation takes more than the limit of {ExpressionLimits.MaxSteps} steps");
        }
    }
}
