using System.Text;
using System.Text.RegularExpressions;

namespace Communique.Nlu.Entities;

// The entities every model may use without defining them. Digits are ASCII 0-9 throughout.
public static partial class BuiltInEntities
{
    public static readonly IReadOnlyList<string> Names = ["number", "date", "email", "phone", "url"];

    // On equal spans the more specific reading wins: "2026-12-01" is a date before it is a phone
    // number, "+4420794609" a phone before it is a number.
    internal static readonly IReadOnlyList<string> Precedence = ["email", "url", "date", "phone", "number"];

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    // 1,250.50 | -3 | 0.5; a thousands group is exactly three digits, so "1,2,3" is three numbers.
    // Never starts inside a word or after "1." (the tail of 1.5 or of a version like 1.2.3).
    [GeneratedRegex(
        @"(?<!\w|[0-9]\.)[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?!\w|\.[0-9])",
        Options, EntityPatterns.TimeoutMilliseconds)]
    private static partial Regex Number();

    [GeneratedRegex(
        @"(?<![\w.%+-])[\w.%+-]+@(?:[\p{L}\p{N}-]+\.)+\p{L}{2,}(?![\w@-])",
        Options, EntityPatterns.TimeoutMilliseconds)]
    private static partial Regex Email();

    // Groups of digits with single separators, an optional +country code and (area code). Whether
    // it is a phone number is decided after: see IsPhone.
    [GeneratedRegex(
        @"(?<![\w+(])(?:\+\s?[0-9]{1,3}[ .-]?)?(?:\([0-9]{1,5}\)[ .-]?)?"
        + @"[0-9]{2,}(?:[ .-][0-9]{2,}){0,6}(?!\w|[.-][0-9])",
        Options, EntityPatterns.TimeoutMilliseconds)]
    private static partial Regex Phone();

    // Runs of the characters a URL may hold; trailing punctuation is trimmed after.
    [GeneratedRegex(
        @"\b(?:https?://|www\.)[\p{L}\p{N}\p{M}\-._~:/?#@!$&'()*+,;=%]+",
        Options | RegexOptions.IgnoreCase, EntityPatterns.TimeoutMilliseconds)]
    private static partial Regex Url();

    internal static void Find(string name, string text, DateOnly today, int rank, List<EntityCandidate> found)
    {
        switch (name)
        {
            case "number":
                foreach (var m in Number().EnumerateMatches(text))
                {
                    var raw = text.Substring(m.Index, m.Length);
                    found.Add(Candidate(name, raw, NormaliseNumber(raw), m.Index, rank));
                }
                NumberWords.Find(text, rank, found);
                break;
            case "date":
                DateExpressions.Find(text, today, rank, found);
                break;
            case "email":
                foreach (var m in Email().EnumerateMatches(text))
                {
                    var raw = text.Substring(m.Index, m.Length);
                    var at = raw.LastIndexOf('@');
                    var value = string.Concat(raw.AsSpan(0, at), raw[at..].ToLowerInvariant());
                    found.Add(Candidate(name, raw, value, m.Index, rank));
                }
                break;
            case "phone":
                foreach (var m in Phone().EnumerateMatches(text))
                {
                    var raw = text.Substring(m.Index, m.Length);
                    if (IsPhone(raw))
                    {
                        found.Add(Candidate(name, raw, NormalisePhone(raw), m.Index, rank));
                    }
                }
                break;
            case "url":
                foreach (var m in Url().EnumerateMatches(text))
                {
                    var raw = TrimUrl(text.AsSpan(m.Index, m.Length));
                    var bare = raw.StartsWith("www.", StringComparison.OrdinalIgnoreCase);
                    var prefix = bare ? "www.".Length : raw.IndexOf("://", StringComparison.Ordinal) + "://".Length;
                    if (raw.Length > prefix)
                    {
                        var url = raw.ToString();
                        found.Add(Candidate(name, url, bare ? "https://" + url : url, m.Index, rank));
                    }
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "Not a built-in entity.");
        }
    }

    private static EntityCandidate Candidate(string entity, string raw, string value, int start, int rank) =>
        new(new EntityMatch(entity, raw, value, start, start + raw.Length), rank);

    // "+1,250.50" → "1250.5", "-0.0" → "0", "007" → "7": written out by hand rather than parsed,
    // so a 40-digit number keeps every digit.
    internal static string NormaliseNumber(string raw)
    {
        var negative = raw[0] == '-';
        var digits = raw.AsSpan(raw[0] is '-' or '+' ? 1 : 0);
        var point = digits.IndexOf('.');
        var whole = point < 0 ? digits : digits[..point];
        var fraction = point < 0 ? [] : digits[(point + 1)..].TrimEnd('0');
        var value = new StringBuilder(raw.Length);
        foreach (var c in whole)
        {
            if (c != ',' && (c != '0' || value.Length > 0))
            {
                value.Append(c);
            }
        }
        if (value.Length == 0)
        {
            value.Append('0');
        }
        if (!fraction.IsEmpty)
        {
            value.Append('.').Append(fraction);
        }
        if (negative && value.ToString() != "0")
        {
            value.Insert(0, '-');
        }
        return value.ToString();
    }

    // Seven to fifteen digits (E.164 allows fifteen), written as a phone number is written: with a
    // +country code, an (area code) or at least two separators. A bare run of digits is a number.
    private static bool IsPhone(string raw)
    {
        int digits = 0, separators = 0;
        var previousDigit = false;
        foreach (var c in raw)
        {
            var digit = char.IsAsciiDigit(c);
            digits += digit ? 1 : 0;
            separators += !digit && previousDigit ? 1 : 0;
            previousDigit = digit;
        }
        return digits is >= 7 and <= 15
            && (raw.StartsWith('+') || raw.Contains('(', StringComparison.Ordinal) || separators >= 2);
    }

    private static string NormalisePhone(string raw)
    {
        var value = new StringBuilder(raw.Length);
        if (raw.StartsWith('+'))
        {
            value.Append('+');
        }
        foreach (var c in raw)
        {
            if (char.IsAsciiDigit(c))
            {
                value.Append(c);
            }
        }
        return value.ToString();
    }

    // A sentence's full stop or closing bracket is not part of the URL it ends with; a bracket
    // the URL opened is (https://en.wikipedia.org/wiki/Mercury_(planet)).
    private static ReadOnlySpan<char> TrimUrl(ReadOnlySpan<char> url)
    {
        while (url.Length > 0)
        {
            var last = url[^1];
            if (last is '.' or ',' or ';' or ':' or '!' or '?' or '\'' ||
                (last == ')' && url.Count('(') < url.Count(')')))
            {
                url = url[..^1];
            }
            else
            {
                break;
            }
        }
        return url;
    }
}
