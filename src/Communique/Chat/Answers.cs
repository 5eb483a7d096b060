using System.Globalization;
using System.Net.Mail;

namespace Communique.Chat;

// Whether a user's words answer a question, and the value that goes into its variable: numbers as decimals, dates
// as yyyy-MM-dd, months as yyyy-MM, yes/no as true/false, a choice as the choice's own text.
public static class Answers
{
    private static readonly string[] DateFormats =
        ["yyyy-MM-dd", "d/M/yyyy", "d.M.yyyy", "d-M-yyyy", "d MMMM yyyy", "d MMM yyyy", "MMMM d yyyy", "MMMM d, yyyy"];

    private static readonly string[] MonthFormats = ["yyyy-MM", "M/yyyy", "MM/yyyy", "MMMM yyyy", "MMM yyyy"];

    private static readonly HashSet<string> Yes = new(StringComparer.OrdinalIgnoreCase)
    {
        "yes", "y", "yeah", "yep", "sure", "ok", "okay", "true", "of course",
    };

    private static readonly HashSet<string> No = new(StringComparer.OrdinalIgnoreCase)
    {
        "no", "n", "nope", "nah", "false", "not really",
    };

    public static bool TryRead(AnswerKind kind, string text, IReadOnlyList<string> choices, out object? value)
    {
        ArgumentNullException.ThrowIfNull(text);
        var answer = text.Trim().TrimEnd('.', '!');
        value = null;
        switch (kind)
        {
            case AnswerKind.Text:
                value = text.Trim();
                return value is string { Length: > 0 };
            case AnswerKind.Number:
                if (decimal.TryParse(answer, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
                {
                    value = number;
                    return true;
                }

                return false;
            case AnswerKind.Email:
                if (MailAddress.TryCreate(answer, out var address) && address.Address == answer
                    && address.Host.Contains('.', StringComparison.Ordinal))
                {
                    value = answer;
                    return true;
                }

                return false;
            case AnswerKind.Phone:
                return TryPhone(answer, out value);
            case AnswerKind.Date:
                if (DateOnly.TryParseExact(answer, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None,
                        out var date))
                {
                    value = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    return true;
                }

                return false;
            case AnswerKind.Month:
                if (DateOnly.TryParseExact(answer, MonthFormats, CultureInfo.InvariantCulture, DateTimeStyles.None,
                        out var month))
                {
                    value = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
                    return true;
                }

                return false;
            case AnswerKind.Choice:
                return TryChoice(answer, choices, out value);
            case AnswerKind.YesNo:
                if (Yes.Contains(answer) || No.Contains(answer))
                {
                    value = Yes.Contains(answer);
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    private static bool TryChoice(string answer, IReadOnlyList<string> choices, out object? value)
    {
        value = choices.FirstOrDefault(c => string.Equals(c, answer, StringComparison.OrdinalIgnoreCase));
        if (value is null && int.TryParse(answer, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && n >= 1 && n <= choices.Count)
        {
            value = choices[n - 1];
        }

        return value is not null;
    }

    // Digits with an optional leading +, spaces, dots, dashes and brackets between them: 7 to 15 digits (E.164).
    private static bool TryPhone(string answer, out object? value)
    {
        value = null;
        var digits = new System.Text.StringBuilder(16);
        for (var i = 0; i < answer.Length; i++)
        {
            var c = answer[i];
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (!(c is ' ' or '.' or '-' or '(' or ')' || (c == '+' && i == 0)))
            {
                return false;
            }
        }

        if (digits.Length is < 7 or > 15)
        {
            return false;
        }

        value = (answer.StartsWith('+') ? "+" : "") + digits;
        return true;
    }
}
