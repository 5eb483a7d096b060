using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Communique.Http;

// Names and other one-line texts end up in lists, file names and mail headers (an asset's name becomes an attachment's
// file name): control characters (NUL, CR, LF, tab ...), the Unicode line and paragraph separators, the bidirectional
// controls that show text in another order than it is stored (U+202E), and unpaired surrogates are refused. Other
// invisible format characters stay allowed: the joiners are part of how some scripts and emoji are written.
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class SingleLineAttribute() : ValidationAttribute(SingleLine.Rule)
{
    public override bool IsValid(object? value) => value is not string text || SingleLine.Allows(text);
}

public static class SingleLine
{
    private const string Requirement =
        "must be one line of text: no control characters, line breaks or bidirectional controls.";

    // The attribute's message; {0} is the field.
    public const string Rule = "The {0} " + Requirement;

    public static string Refusal(string field) => $"The {field} {Requirement}";

    public static bool Allows(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c) || char.IsControl(c) || IsBidiControl(c)
                || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator
                    or UnicodeCategory.ParagraphSeparator)
            {
                return false;
            }
        }

        return true;
    }

    // The explicit directional marks, embeddings, overrides and isolates of Unicode's bidirectional algorithm (UAX #9).
    private static bool IsBidiControl(char c) =>
        c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
