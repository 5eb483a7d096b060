namespace Communique.Chat.Expressions;

// An unset variable is null, so that a flow can test whether it has been asked yet.
internal sealed class VariableNode(int position, string name) : ExpressionNode(position)
{
    protected override object? Compute(Evaluation evaluation)
    {
        if (!evaluation.Scope.TryGet(name, out var value))
        {
            return null;
        }
        if (!ExpressionValue.IsValue(value))
        {
            throw Error(
                $"the variable {name} holds a value of type {value!.GetType().Name}, which expressions cannot read");
        }
        return value is string text ? Checked(text) : value;
    }
}
