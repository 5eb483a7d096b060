using System.Collections.Concurrent;
using System.Globalization;

namespace Communique.DataSources.Import;

// The locale that governs how a source's numbers and dates are written ("1,234.5" and
// "12/31/2026" in en-US, "1.234,5" and "31.12.2026" in de-DE). ISO-8601 dates and times are read
// under every standard. Patterns are worked out once per culture, not once per value.
public sealed class DataStandard
{
    private static readonly ConcurrentDictionary<string, DataStandard> Cache = new(StringComparer.OrdinalIgnoreCase);

    private DataStandard(CultureInfo culture)
    {
        Culture = culture;
        var numbers = culture.NumberFormat;
        DecimalSeparator = numbers.NumberDecimalSeparator;
        GroupSeparator = numbers.NumberGroupSeparator;
        GroupSizes = numbers.NumberGroupSizes.Length == 0 ? [3] : numbers.NumberGroupSizes;
        NegativeSign = numbers.NegativeSign;
        // People type a plain space where the culture groups digits with a no-break space (fr-FR).
        GroupSeparatorIsSpace = GroupSeparator.Length == 1 && char.IsWhiteSpace(GroupSeparator[0]);

        var dates = culture.DateTimeFormat;
        DatePatterns = Lenient(dates.ShortDatePattern);
        TimePatterns = [.. new[] { dates.ShortTimePattern, dates.LongTimePattern }
            .SelectMany(Lenient).SelectMany(PlainSpaces)
            .Distinct(StringComparer.Ordinal)];
        DateTimePatterns = [.. DatePatterns.SelectMany(d => TimePatterns.Select(t => d + " " + t))];
    }

    public static DataStandard Invariant { get; } = new(CultureInfo.InvariantCulture);

    public CultureInfo Culture { get; }

    public string Name => Culture.Name;

    internal string DecimalSeparator { get; }
    internal string GroupSeparator { get; }
    internal int[] GroupSizes { get; }
    internal string NegativeSign { get; }
    internal bool GroupSeparatorIsSpace { get; }
    internal string[] DatePatterns { get; }
    internal string[] TimePatterns { get; }
    internal string[] DateTimePatterns { get; }

    // A culture name such as "en-US" or "de-DE"; "" is the invariant culture.
    public static DataStandard For(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return Invariant;
        }
        return Cache.GetOrAdd(name, static n =>
        {
            try
            {
                return new DataStandard(CultureInfo.GetCultureInfo(n, predefinedOnly: true));
            }
            catch (CultureNotFoundException e)
            {
                throw new ArgumentException(
                    $"'{n}' is not a known data standard (a culture name such as en-US or de-DE).", nameof(name), e);
            }
        });
    }

    // ICU writes "7:30\u202FAM"; people type "7:30 AM". Both are read.
    private static string[] PlainSpaces(string pattern)
    {
        var plain = pattern.Replace('\u202F', ' ').Replace('\u00A0', ' ');
        return plain == pattern ? [pattern] : [pattern, plain];
    }

    // The culture's pattern, plus a variant that takes one- or two-digit days, months and hours
    // ("1/5/2026" as well as "01/05/2026") and four-digit years where it says two.
    private static string[] Lenient(string pattern)
    {
        var loose = new System.Text.StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length;)
        {
            var c = pattern[i];
            if (c is '\'' or '"')
            {
                var close = pattern.IndexOf(c, i + 1);
                var end = close < 0 ? pattern.Length : close + 1;
                loose.Append(pattern, i, end - i);
                i = end;
                continue;
            }
            var run = 1;
            while (i + run < pattern.Length && pattern[i + run] == c)
            {
                run++;
            }
            if (run == 2 && c is 'd' or 'M' or 'H' or 'h')
            {
                loose.Append(c);
            }
            else if (run == 2 && c == 'y')
            {
                loose.Append("yyyy");
            }
            else
            {
                loose.Append(c, run);
            }
            i += run;
        }
        var lenient = loose.ToString();
        return lenient == pattern ? [pattern] : [pattern, lenient];
    }
}
