namespace Communique.Chat.Expressions;

// Bounds that make a hostile or broken expression cost little. The language has no loops or user functions, so an
// expression's work is bounded by its size; the limits keep that bound small and turn overruns into errors.
internal static class ExpressionLimits
{
    // Parentheses, calls, unary operators and conditionals inside one another; the parser and the evaluator
    // recurse once per level.
    public const int MaxDepth = 64;

    // Nodes visited by one Evaluate or Render, all parts of a text together.
    public const int MaxSteps = 10_000;

    // Any string a value or a rendered text may be, in characters; checked before the string is allocated.
    public const int MaxStringChars = 64 * 1024;

    public const int MaxTextParts = 100;

    public static bool TooLong(long length) => length > MaxStringChars;

    public static string TooLongMessage => $"the text would be longer than the limit of {MaxStringChars} characters";
}
