using System.Collections.Frozen;
using System.Globalization;

namespace Communique.Chat.Expressions;

// The fixed list of functions an expression may call. None of them loops over anything but its arguments' text, and
// the only one that can grow a string (replace) measures the result before it builds it.
internal static class ExpressionFunctions
{
    private const NumberStyles NumberText = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite
        | NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    public static FrozenDictionary<string, ExpressionFunction> ByName { get; } = new ExpressionFunction[]
    {
        new("properCase", 1, 1, ProperCase),
        new("upper", 1, 1, call => call.Text(0).ToUpperInvariant()),
        new("lower", 1, 1, call => call.Text(0).ToLowerInvariant()),
        new("trim", 1, 1, call => call.Text(0).Trim()),
        new("length", 1, 1, call => (decimal)call.Text(0).Length),
        new("contains", 2, 2, call => call.Text(0).Contains(call.Text(1), StringComparison.Ordinal)),
        new("startsWith", 2, 2, call => call.Text(0).StartsWith(call.Text(1), StringComparison.Ordinal)),
        new("endsWith", 2, 2, call => call.Text(0).EndsWith(call.Text(1), StringComparison.Ordinal)),
        new("replace", 3, 3, Replace),
        new("substring", 2, 3, Substring),
        new("number", 1, 1, Number),
        new("text", 1, 1, call => call.Text(0)),
        new("round", 1, 2, call => Round(call)),
        new("min", 2, 2, call => Math.Min(call.Number(0), call.Number(1))),
        new("max", 2, 2, call => Math.Max(call.Number(0), call.Number(1))),
        new("abs", 1, 1, call => Math.Abs(call.Number(0))),
        new("isEmpty", 1, 1, call => IsEmpty(call[0])),
        new("coalesce", 2, 2, call => IsEmpty(call[0]) ? call[1] : call[0]),
        new("history", 0, 0, call => call.Checked(call.Scope.HistoryText())),
        new("historyHtml", 0, 0, call => call.Checked(call.Scope.HistoryHtml())),
        new("now", 0, 0, call => call.Scope.Now.UtcDateTime.ToString(
            "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
        // The date where Now's offset is: the contact's day when the runtime passes the contact's time.
        new("today", 0, 0, call => call.Scope.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
    }.ToFrozenDictionary(function => function.Name, StringComparer.Ordinal);

    // A word starts after anything but a letter, a digit or an apostrophe: "o'neil-smith" is "O'neil-Smith".
    private static string ProperCase(FunctionCall call)
    {
        var text = call.Text(0);
        return string.Create(text.Length, text, static (result, text) =>
        {
            var inWord = false;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                result[i] = inWord ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c);
                inWord = char.IsLetterOrDigit(c) || c is '\'' or '\u2019';
            }
        });
    }

    private static string Replace(FunctionCall call)
    {
        var text = call.Text(0);
        var old = call.Text(1);
        var replacement = call.Text(2);
        if (old.Length == 0)
        {
            return text;
        }
        if (replacement.Length > old.Length)
        {
            long length = text.Length;
            for (var at = text.IndexOf(old, StringComparison.Ordinal);
                at >= 0 && !ExpressionLimits.TooLong(length);
                at = text.IndexOf(old, at + old.Length, StringComparison.Ordinal))
            {
                length += replacement.Length - old.Length;
            }
            if (ExpressionLimits.TooLong(length))
            {
                throw call.Fail(ExpressionLimits.TooLongMessage);
            }
        }
        return text.Replace(old, replacement, StringComparison.Ordinal);
    }

    private static string Substring(FunctionCall call)
    {
        var text = call.Text(0);
        var start = Math.Clamp(call.Integer(1), 0, text.Length);
        var length = call.Count == 3 ? Math.Clamp(call.Integer(2), 0, text.Length - start) : text.Length - start;
        return text.Substring(start, length);
    }

    private static object? Number(FunctionCall call) => call[0] switch
    {
        decimal d => d,
        string s when decimal.TryParse(s, NumberText, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    // Midpoints round away from zero, as people round by hand: round(2.5) is 3.
    private static decimal Round(FunctionCall call)
    {
        var digits = call.Count == 2 ? Math.Clamp(call.Integer(1), 0, 28) : 0;
        return decimal.Round(call.Number(0), digits, MidpointRounding.AwayFromZero);
    }

    private static bool IsEmpty(object? value) => value is null or "";
}
