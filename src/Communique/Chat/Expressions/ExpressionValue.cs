using System.Globalization;

namespace Communique.Chat.Expressions;

// The language's four kinds of value (null, string, decimal, bool): how they test, print, compare and are named in
// error messages.
internal static class ExpressionValue
{
    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        decimal d => d != 0,
        _ => true,
    };

    // Trailing zeros are dropped ("7", not "7.0") and there is never an exponent: a decimal has at most 28 digits
    // after the point.
    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        decimal d => d.ToString("0.############################", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => throw new ArgumentException(
            $"{value.GetType()} is not a value of the expression language.", nameof(value)),
    };

    public static bool AreEqual(object? left, object? right) => (left, right) switch
    {
        (null, null) => true,
        (decimal a, decimal b) => a == b,
        (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
        (bool a, bool b) => a == b,
        _ => false,
    };

    public static string KindOf(object? value) => value switch
    {
        null => "null",
        string => "text",
        decimal => "number",
        bool => "true/false",
        _ => value.GetType().Name,
    };

    public static bool IsValue(object? value) => value is null or string or decimal or bool;
}
