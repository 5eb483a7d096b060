using System.Text;
using System.Text.RegularExpressions;

namespace Communique.Nlu.Entities;

// Save-time checks of a regular-expression entity's pattern. Patterns run with a match timeout
// anyway (see EntityExtractor); refusing the slow ones at save tells the author while they can
// still fix it, instead of the entity silently finding nothing in long messages.
public static class EntityPatterns
{
    public const int MaxLength = 1_000;

    // Every regex at extraction, built-in or the team's, gives up after this long on one text.
    public const int TimeoutMilliseconds = 100;

    internal const RegexOptions Options = RegexOptions.CultureInvariant;

    // A probe must finish well inside the extraction timeout: a pattern that needs half of it on
    // a few thousand characters needs all of it on a longer message.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(TimeoutMilliseconds / 2);

    private const int ProbeLength = 2_500;

    public static string? Problem(string pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return "The pattern is empty.";
        }
        if (pattern.Length > MaxLength)
        {
            return $"The pattern is {pattern.Length:N0} characters long; the limit is {MaxLength:N0}.";
        }
        Regex regex;
        try
        {
            regex = new Regex(pattern, Options, ProbeTimeout);
        }
        catch (ArgumentException e)
        {
            return $"The pattern does not compile: {e.Message}";
        }
        foreach (var probe in Probes(pattern))
        {
            try
            {
                regex.Match(probe);
            }
            catch (RegexMatchTimeoutException)
            {
                return $"The pattern is catastrophically slow: matching it against {probe.Length:N0} characters " +
                    $"like \"{probe[..Math.Min(12, probe.Length)]}…\" took over {ProbeTimeout.TotalMilliseconds:N0} ms. " +
                    "Nested or overlapping repetitions such as (a+)+ or (a|aa)+ backtrack exponentially; " +
                    "rewrite them so each character can be matched only one way.";
            }
        }
        if (regex.IsMatch(""))
        {
            return "The pattern matches empty text, so it would find the entity everywhere; make it require at least one character.";
        }
        return null;
    }

    // Catastrophic backtracking shows on a long run of what the pattern's repetitions accept,
    // ended by a character that makes the whole match fail: "aaaa…a!". Which run depends on the
    // pattern, so the runs are built from its own literal characters and classes, alone and in
    // pairs, with and without the literal text the pattern starts with. A heuristic: the match
    // timeout at extraction remains the guarantee.
    private static IEnumerable<string> Probes(string pattern)
    {
        var alphabet = Alphabet(pattern);
        var end = "!\u0001§".First(c => !alphabet.Contains(c));
        var prefix = LeadingLiteral(pattern);
        var runs = new List<string>();
        foreach (var c in alphabet)
        {
            runs.Add(c.ToString());
        }
        var firsts = alphabet.Take(6).ToArray();
        for (var i = 0; i < firsts.Length; i++)
        {
            for (var j = i + 1; j < firsts.Length; j++)
            {
                runs.Add($"{firsts[i]}{firsts[j]}");
            }
        }
        foreach (var run in runs)
        {
            var text = new StringBuilder(ProbeLength + prefix.Length + 1).Append(prefix);
            while (text.Length < ProbeLength + prefix.Length)
            {
                text.Append(run);
            }
            yield return text.Append(end).ToString();
            if (prefix.Length > 0)
            {
                yield return text.Remove(0, prefix.Length).ToString();
            }
        }
    }

    // Up to a dozen characters the pattern can match: its literals, and one member of each class.
    private static List<char> Alphabet(string pattern)
    {
        var alphabet = new List<char>();
        for (var i = 0; i < pattern.Length && alphabet.Count < 12; i++)
        {
            var c = pattern[i];
            char? member = c switch
            {
                '\\' when i + 1 < pattern.Length => Escaped(pattern[++i]),
                '.' => 'a',
                '^' or '$' or '|' or '?' or '*' or '+' or '(' or ')' or '[' or ']' or '{' or '}' => null,
                _ when char.IsControl(c) || char.IsSurrogate(c) => null,
                _ => c,
            };
            if (member is { } m && !alphabet.Contains(m))
            {
                alphabet.Add(m);
            }
        }
        foreach (var fallback in "a1 ")
        {
            if (!alphabet.Contains(fallback))
            {
                alphabet.Add(fallback);
            }
        }
        return alphabet;

        static char? Escaped(char c) => c switch
        {
            'd' => '1',
            'w' => 'a',
            's' => ' ',
            'D' or 'W' or 'S' => '-',
            'p' => 'a',
            'P' => '-',
            'b' or 'B' or 'A' or 'z' or 'Z' or 'G' or 'k' or 'u' or 'x' or 'c' => null,
            'n' => '\n',
            't' => '\t',
            _ when char.IsAsciiDigit(c) => null,
            _ => c,
        };
    }

    // "ORD-(\d+)+$" starts with "ORD-": a run after it reaches the repetition the prefix guards.
    private static string LeadingLiteral(string pattern)
    {
        var literal = new StringBuilder();
        var i = pattern.StartsWith('^') ? 1 : 0;
        for (; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length && !char.IsAsciiLetterOrDigit(pattern[i + 1]))
            {
                literal.Append(pattern[++i]);
            }
            else if (char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or ':' or '#' or '/' or '@' or '=')
            {
                literal.Append(c);
            }
            else
            {
                break;
            }
        }
        // A quantifier after the last literal character applies to it alone: "ab+" starts with "a".
        if (i < pattern.Length && pattern[i] is '?' or '*' or '+' or '{' && literal.Length > 0)
        {
            literal.Length--;
        }
        return literal.ToString();
    }
}
