using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Communique.Nlu.Entities;

// English date expressions, normalised to ISO yyyy-MM-dd against a reference day:
//   2026-12-01, 2026/12/01          year first, so never ambiguous
//   1 December 2026, 1st of Dec     day before month, year optional
//   December 1, Dec 1st, 2026       month before day, year optional
//   today, tonight, tomorrow, yesterday, the day after tomorrow, the day before yesterday
//   friday, on friday, next friday  the next Friday after today
//   this friday                     the same, but today when today is a Friday
// Without a year a date is the next one on or after today ("March 3" in April is next March).
// A leading weekday ("Monday, 1 December") belongs to the date and is not checked against it.
// Day-first and month-first numeric forms (01/02/2026) are left out: they cannot be told apart.
internal static partial class DateExpressions
{
    private const RegexOptions Options =
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    private const string Weekday = "monday|tuesday|wednesday|thursday|friday|saturday|sunday";

    private const string Month = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
        + "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

    [GeneratedRegex(
        @"(?<![\w.,/-])(?<y>[0-9]{4})(?<sep>[-/.])(?<m>[0-9]{1,2})\k<sep>(?<d>[0-9]{1,2})(?![0-9]|[.,/-][0-9])",
        Options, EntityPatterns.TimeoutMilliseconds)]
    private static partial Regex YearFirst();

    [GeneratedRegex(
        @"\b(?:(?:" + Weekday + @"),?\s+)?(?:the\s+)?(?<d>[0-9]{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+"
        + @"(?<m>" + Month + @")\b\.?(?:,?\s+(?<y>[0-9]{4})\b)?",
        Options, EntityPatterns.TimeoutMilliseconds)]
    private static partial Regex DayFirst();

    [GeneratedRegex(
        @"\b(?:(?:" + Weekday + @"),?\s+)?(?<m>" + Month + @")\.?\s+(?:the\s+)?(?<d>[0-9]{1,2})(?:st|nd|rd|th)?\b"
        + @"(?:,?\s+(?<y>[0-9]{4})\b)?",
        Options, EntityPatterns.TimeoutMilliseconds)]
    private static partial Regex MonthFirst();

    [GeneratedRegex(
        @"\b(?:(?<after>(?:the\s+)?day\s+after\s+tomorrow)|(?<before>(?:the\s+)?day\s+before\s+yesterday)"
        + @"|(?<today>today|tonight)|(?<tomorrow>tomorrow)|(?<yesterday>yesterday))\b",
        Options, EntityPatterns.TimeoutMilliseconds)]
    private static partial Regex Relative();

    [GeneratedRegex(
        @"\b(?:(?<next>next)\s+|(?<this>this)\s+)?(?<w>" + Weekday + @")\b",
        Options, EntityPatterns.TimeoutMilliseconds)]
    private static partial Regex NextWeekday();

    private static readonly string[] MonthPrefixes =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    public static void Find(string text, DateOnly today, int rank, List<EntityCandidate> found)
    {
        foreach (Match m in YearFirst().Matches(text))
        {
            if (TryDate(Number(m, "y"), Number(m, "m"), Number(m, "d"), out var date))
            {
                Add(m, date);
            }
        }
        foreach (var regex in (ReadOnlySpan<Regex>)[DayFirst(), MonthFirst()])
        {
            foreach (Match m in regex.Matches(text))
            {
                var month = MonthOf(m.Groups["m"].ValueSpan);
                var day = Number(m, "d");
                var valid = m.Groups["y"].Success
                    ? TryDate(Number(m, "y"), month, day, out var date)
                    : TryNext(today, month, day, out date);
                if (valid)
                {
                    Add(m, date);
                }
            }
        }
        foreach (Match m in Relative().Matches(text))
        {
            Add(m, today.AddDays(
                m.Groups["after"].Success ? 2 :
                m.Groups["before"].Success ? -2 :
                m.Groups["tomorrow"].Success ? 1 :
                m.Groups["yesterday"].Success ? -1 : 0));
        }
        foreach (Match m in NextWeekday().Matches(text))
        {
            var weekday = Enum.Parse<DayOfWeek>(m.Groups["w"].ValueSpan, ignoreCase: true);
            var days = ((int)weekday - (int)today.DayOfWeek + 7) % 7;
            if (days == 0 && !m.Groups["this"].Success)
            {
                days = 7;
            }
            Add(m, today.AddDays(days));
        }

        void Add(Match m, DateOnly date) =>
            found.Add(new EntityCandidate(
                new EntityMatch(
                    "date", m.Value, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), m.Index,
                    m.Index + m.Length),
                rank));
    }

    private static int Number(Match m, string group) =>
        int.Parse(m.Groups[group].ValueSpan, CultureInfo.InvariantCulture);

    private static int MonthOf(ReadOnlySpan<char> name)
    {
        for (var i = 0; i < MonthPrefixes.Length; i++)
        {
            if (name.StartsWith(MonthPrefixes[i], StringComparison.OrdinalIgnoreCase))
            {
                return i + 1;
            }
        }
        throw new UnreachableException($"'{name}' is not a month the pattern admits.");
    }

    private static bool TryDate(int year, int month, int day, out DateOnly date)
    {
        var valid = year is >= 1 and <= 9999 && month is >= 1 and <= 12
            && day >= 1 && day <= DateTime.DaysInMonth(year, month);
        date = valid ? new DateOnly(year, month, day) : default;
        return valid;
    }

    // The first such day on or after today; 29 February waits for the next leap year.
    private static bool TryNext(DateOnly today, int month, int day, out DateOnly date)
    {
        for (var year = today.Year; year <= today.Year + 8; year++)
        {
            if (TryDate(year, month, day, out date) && date >= today)
            {
                return true;
            }
        }
        date = default;
        return false;
    }
}
