using System.Collections.Frozen;
using System.Globalization;

namespace Communique.Nlu.Entities;

// English cardinals in words, up to the millions: "twenty five", "two hundred and six",
// "three thousand four hundred". Reads the longest well-formed phrase, so "one two" is two numbers
// and "twenty twenty" is two twenties, not forty.
internal static class NumberWords
{
    private enum Kind { None, Unit, Teen, Tens, Hundred, Scale }

    private static readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Values =
        new Dictionary<string, int>
        {
            ["zero"] = 0, ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6,
            ["seven"] = 7, ["eight"] = 8, ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12,
            ["thirteen"] = 13, ["fourteen"] = 14, ["fifteen"] = 15, ["sixteen"] = 16, ["seventeen"] = 17,
            ["eighteen"] = 18, ["nineteen"] = 19, ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40,
            ["fifty"] = 50, ["sixty"] = 60, ["seventy"] = 70, ["eighty"] = 80, ["ninety"] = 90,
            ["hundred"] = 100, ["thousand"] = 1_000, ["million"] = 1_000_000,
        }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    public static void Find(string text, int rank, List<EntityCandidate> found)
    {
        var i = 0;
        while (i < text.Length)
        {
            var wordStart = char.IsLetter(text[i]) && (i == 0 || !char.IsLetterOrDigit(text[i - 1]));
            if (wordStart && TryRead(text, i, out var end, out var value))
            {
                var number = value.ToString(CultureInfo.InvariantCulture);
                var match = new EntityMatch("number", text[i..end], number, i, end);
                found.Add(new EntityCandidate(match, rank));
                i = end;
            }
            else
            {
                i++;
            }
        }
    }

    private static bool TryRead(string text, int start, out int end, out long value)
    {
        long total = 0, hundreds = 0, below = 0, lastScale = long.MaxValue;
        var last = Kind.None;
        var pendingAnd = false;
        end = start;
        value = 0;
        var i = start;
        while (true)
        {
            var wordEnd = i;
            while (wordEnd < text.Length && char.IsLetter(text[wordEnd]))
            {
                wordEnd++;
            }
            if (wordEnd == i || (wordEnd < text.Length && char.IsDigit(text[wordEnd])))
            {
                break;
            }
            var word = text.AsSpan(i, wordEnd - i);
            if (word.Equals("and", StringComparison.OrdinalIgnoreCase) && !pendingAnd
                && last is Kind.Hundred or Kind.Scale)
            {
                pendingAnd = true;
            }
            else if (Values.TryGetValue(word, out var n) && Accept(n))
            {
                pendingAnd = false;
                end = wordEnd;
                value = total + hundreds + below;
                if (n == 0)
                {
                    break;
                }
            }
            else
            {
                break;
            }
            i = SkipSeparator(text, wordEnd);
            if (i == wordEnd)
            {
                break;
            }
        }
        return end > start;

        bool Accept(int n)
        {
            switch (n)
            {
                case 0 when last == Kind.None:
                    last = Kind.Unit;
                    return true;
                case >= 1 and <= 9 when last is Kind.None or Kind.Tens or Kind.Hundred or Kind.Scale:
                    below += n;
                    last = Kind.Unit;
                    return true;
                case >= 10 and <= 19 when last is Kind.None or Kind.Hundred or Kind.Scale:
                    below = n;
                    last = Kind.Teen;
                    return true;
                case >= 20 and <= 90 when last is Kind.None or Kind.Hundred or Kind.Scale:
                    below = n;
                    last = Kind.Tens;
                    return true;
                case 100 when hundreds == 0 && last is Kind.None or Kind.Unit or Kind.Teen or Kind.Tens:
                    // "twenty five hundred" is 2,500, as spoken.
                    hundreds = Math.Max(below, 1) * 100;
                    below = 0;
                    last = Kind.Hundred;
                    return true;
                case >= 1_000 when n < lastScale && last != Kind.Scale:
                    total += Math.Max(hundreds + below, 1) * n;
                    hundreds = below = 0;
                    lastScale = n;
                    last = Kind.Scale;
                    return true;
                default:
                    return false;
            }
        }
    }

    // Words of one number are joined by spaces or a hyphen ("twenty-five").
    private static int SkipSeparator(string text, int i)
    {
        if (i < text.Length && text[i] == '-')
        {
            return i + 1;
        }
        while (i < text.Length && text[i] == ' ')
        {
            i++;
        }
        return i;
    }
}
