using System.Text.RegularExpressions;

namespace Communique.Nlu.Entities;

// Save-time checks of a regular-expression entity's pattern. A team's patterns run on .NET's
// non-backtracking engine, whose matching time grows linearly with the text whatever the pattern,
// so no pattern can be made slow; the constructs that engine cannot run (backreferences,
// lookarounds, atomic groups, conditionals) are refused when the entity is saved.
public static class EntityPatterns
{
    public const int MaxLength = 1_000;

    // Every regex at extraction, built-in or the team's, gives up after this long on one text. The built-ins are
    // linear by construction and the team's run on the linear engine, so this is a last guard, set wide enough
    // that a busy machine never drops an entity from a parse.
    internal const int TimeoutMilliseconds = 1_000;

    internal const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

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
            regex = new Regex(pattern, Options, TimeSpan.FromMilliseconds(TimeoutMilliseconds));
        }
        catch (NotSupportedException e)
        {
            return "The pattern uses a construct that entity patterns do not support (backreferences, lookarounds, " +
                $"atomic groups and conditionals are not): {e.Message}";
        }
        catch (ArgumentException e)
        {
            return $"The pattern does not compile: {e.Message}";
        }
        if (regex.IsMatch(""))
        {
            return "The pattern matches empty text, so it would find the entity everywhere; "
                + "make it require at least one character.";
        }
        return null;
    }
}
