using System.Diagnostics.CodeAnalysis;

namespace Communique.Chat.Expressions;

// A chat flow's expression: literals, context.* and user.* variables, operators and a fixed list of functions. It
// cannot run code, loop, or build a string longer than the limit; one evaluation visits at most a fixed number of
// nodes. Parsing resolves every name, so errors that can be found before a contact reaches the flow are. Values are
// null, string, decimal or bool; arithmetic is decimal and formatting is culture-invariant, so an expression means the
// same on every server. Parse errors and evaluation errors name a 1-based position in the source.
public sealed class ChatExpression
{
    public const int MaxSourceChars = 2000;

    private readonly ExpressionNode _root;

    private ChatExpression(ExpressionNode root, IReadOnlyCollection<string> variables)
    {
        _root = root;
        Variables = variables;
    }

    // Every variable the expression may read, each once, in the order they first appear.
    public IReadOnlyCollection<string> Variables { get; }

    public static bool TryParse(string source, [NotNullWhen(true)] out ChatExpression? expression,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(source);
        var variables = new List<string>();
        if (!ExpressionParser.TryParse(source, 0, source.Length, variables, out var root, out error))
        {
            expression = null;
            return false;
        }
        expression = new ChatExpression(root, Distinct(variables));
        return true;
    }

    public object? Evaluate(IExpressionScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return _root.Evaluate(new Evaluation(scope));
    }

    public bool IsTrue(IExpressionScope scope) => ExpressionValue.IsTrue(Evaluate(scope));

    public static string Text(object? value) => ExpressionValue.Text(value);

    // Read-only all the way down: callers share one parsed expression and must not be able to change its list.
    internal static IReadOnlyCollection<string> Distinct(List<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return names.Where(seen.Add).ToList().AsReadOnly();
    }
}
