using System.Globalization;

namespace Communique.Http;

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
