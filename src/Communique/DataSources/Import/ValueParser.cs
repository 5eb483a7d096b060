using System.Globalization;

namespace Communique.DataSources.Import;

// Turns the raw text of a value into its typed value under a data standard. Stricter than
// decimal.Parse on purpose: .NET takes "1,2,3" as 123 in en-US, and a list is not a number.
public static class ValueParser
{
    private const int MaxNumberLength = 64;

    // Empty or blank text is no value: true with a null value, whatever the type.
    public static bool TryParse(string? raw, FieldType type, DataStandard standard, out object? value)
    {
        ArgumentNullException.ThrowIfNull(standard);
        value = null;
        var s = raw.AsSpan().Trim();
        if (s.IsEmpty)
        {
            return true;
        }
        switch (type)
        {
            case FieldType.String:
                value = raw;
                return true;
            case FieldType.Number when TryParseNumber(s, standard, out var number):
                value = number;
                return true;
            case FieldType.Date when TryParseDate(s, standard, out var date):
                value = date;
                return true;
            case FieldType.Time when TryParseTime(s, standard, out var time):
                value = time;
                return true;
            case FieldType.DateTime when TryParseDateTime(s, standard, out var dateTime):
                value = dateTime;
                return true;
            case FieldType.Boolean when TryParseBoolean(s, out var boolean):
                value = boolean;
                return true;
            case FieldType.Array:
                throw new ArgumentException("A repeater holds items, not text to parse.", nameof(type));
            default:
                return false;
        }
    }

    public static bool TryParseNumber(ReadOnlySpan<char> text, DataStandard standard, out decimal value)
    {
        ArgumentNullException.ThrowIfNull(standard);
        value = 0;
        Span<char> invariant = stackalloc char[MaxNumberLength + 1];
        return Normalize(text.Trim(), standard, invariant, out var length, out _)
            && decimal.TryParse(invariant[..length], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                CultureInfo.InvariantCulture, out value);
    }

    // Under every standard: yyyy-MM-dd. Otherwise the culture's short date ("12/31/2026", "31.12.2026").
    public static bool TryParseDate(ReadOnlySpan<char> text, DataStandard standard, out DateOnly value)
    {
        ArgumentNullException.ThrowIfNull(standard);
        text = text.Trim();
        return Iso8601.TryParseDate(text, out value)
            || DateOnly.TryParseExact(text, standard.DatePatterns, standard.Culture, DateTimeStyles.None, out value);
    }

    // Under every standard: HH:mm[:ss[.fffffff]]. Otherwise the culture's short or long time ("3:45 PM").
    public static bool TryParseTime(ReadOnlySpan<char> text, DataStandard standard, out TimeOnly value)
    {
        ArgumentNullException.ThrowIfNull(standard);
        text = text.Trim();
        return Iso8601.TryParseTime(text, out value)
            || TimeOnly.TryParseExact(text, standard.TimePatterns, standard.Culture, DateTimeStyles.None, out value);
    }

    // Under every standard: ISO-8601 with T or a space; with Z or an offset the value is made UTC,
    // without one it is a wall-clock time (Kind Unspecified). A date alone is its midnight.
    public static bool TryParseDateTime(ReadOnlySpan<char> text, DataStandard standard, out DateTime value)
    {
        ArgumentNullException.ThrowIfNull(standard);
        text = text.Trim();
        if (Iso8601.TryParseDateTime(text, out value)
            || DateTime.TryParseExact(
                text, standard.DateTimePatterns, standard.Culture, DateTimeStyles.None, out value))
        {
            return true;
        }
        if (TryParseDate(text, standard, out var date))
        {
            value = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            return true;
        }
        return false;
    }

    // true/false and yes/no, in any case.
    public static bool TryParseBoolean(ReadOnlySpan<char> text, out bool value)
    {
        text = text.Trim();
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase)
            || text.Equals("yes", StringComparison.OrdinalIgnoreCase))
        {
            value = true;
            return true;
        }
        value = false;
        return text.Equals("false", StringComparison.OrdinalIgnoreCase)
            || text.Equals("no", StringComparison.OrdinalIgnoreCase);
    }

    // For inference: a number that fits a decimal, and not a code whose leading zeros matter
    // ("00123" is a postcode, not 123).
    internal static bool LooksLikeNumber(ReadOnlySpan<char> trimmed, DataStandard standard)
    {
        Span<char> invariant = stackalloc char[MaxNumberLength + 1];
        return Normalize(trimmed, standard, invariant, out _, out var leadingZero) && !leadingZero;
    }

    // Checks the text is a number as the standard writes it (sign, digits grouped as the culture
    // groups them, decimal separator) and rewrites it as invariant "-1234.5".
    private static bool Normalize(
        ReadOnlySpan<char> s, DataStandard standard, Span<char> output, out int length, out bool leadingZero)
    {
        length = 0;
        leadingZero = false;
        if (s.IsEmpty || s.Length > MaxNumberLength)
        {
            return false;
        }
        var i = 0;
        if (s[0] is '+' or '-')
        {
            if (s[0] == '-')
            {
                output[length++] = '-';
            }
            i = 1;
        }
        else if (s.StartsWith(standard.NegativeSign, StringComparison.Ordinal))
        {
            output[length++] = '-';
            i = standard.NegativeSign.Length;
        }

        Span<int> runs = stackalloc int[MaxNumberLength];
        var runCount = 0;
        var run = 0;
        var integerStart = length;
        var digits = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsAsciiDigit(c))
            {
                output[length++] = c;
                run++;
                digits++;
                i++;
                continue;
            }
            var separator = GroupSeparatorAt(s[i..], standard);
            if (separator == 0 || run == 0)
            {
                break;
            }
            runs[runCount++] = run;
            run = 0;
            i += separator;
        }
        if (run == 0 && runCount > 0)
        {
            return false;
        }
        runs[runCount++] = run;
        if (!GroupedAsTheCultureDoes(runs[..runCount], standard.GroupSizes))
        {
            return false;
        }
        var integerDigits = length - integerStart;
        leadingZero = integerDigits > 1 && output[integerStart] == '0';

        if (i < s.Length)
        {
            if (!s[i..].StartsWith(standard.DecimalSeparator, StringComparison.Ordinal))
            {
                return false;
            }
            i += standard.DecimalSeparator.Length;
            output[length++] = '.';
            var fractionStart = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                output[length++] = s[i++];
                digits++;
            }
            if (i == fractionStart || i < s.Length)
            {
                return false;
            }
        }
        // decimal holds 28 digits for sure; beyond that it is an identifier, not a quantity.
        return digits is > 0 and <= 28;
    }

    private static int GroupSeparatorAt(ReadOnlySpan<char> s, DataStandard standard)
    {
        if (s.StartsWith(standard.GroupSeparator, StringComparison.Ordinal))
        {
            return standard.GroupSeparator.Length;
        }
        return standard.GroupSeparatorIsSpace && s[0] is ' ' or '\u00A0' or '\u202F' ? 1 : 0;
    }

    // Runs of digits between group separators, left to right; sizes as NumberFormatInfo gives
    // them, from the right ([3] for 1,234,567; [3, 2] for 12,34,567).
    private static bool GroupedAsTheCultureDoes(ReadOnlySpan<int> runs, int[] sizes)
    {
        if (runs.Length == 1)
        {
            return true;
        }
        for (var fromRight = 0; fromRight < runs.Length; fromRight++)
        {
            var size = sizes[Math.Min(fromRight, sizes.Length - 1)];
            var actual = runs[runs.Length - 1 - fromRight];
            var leftmost = fromRight == runs.Length - 1;
            if (size == 0)
            {
                return leftmost;
            }
            if (leftmost ? actual > size : actual != size)
            {
                return false;
            }
        }
        return true;
    }
}
