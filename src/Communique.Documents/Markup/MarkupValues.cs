using System.Buffers;
using System.Globalization;
using Communique.Documents.Drawing;
using Communique.Documents.Model;

namespace Communique.Documents.Markup;

// The markup's value types, read from attribute text: lengths with units, colours, booleans, edges, borders, column
// widths and page sizes. Each says false for text that is not one; the reader words the error.
internal static class MarkupValues
{
    public const string LengthHelp = "a length: a number with pt, mm, cm, in or px (a bare number is in points)";

    public const string ColorHelp =
        "a colour: #rgb, #rrggbb or one of black, white, gray, silver, red, maroon, orange, yellow, green, teal, "
        + "blue, navy, purple";

    private static readonly (string Name, Color Color)[] Colors =
    [
        ("black", new Color(0, 0, 0)), ("white", new Color(255, 255, 255)), ("gray", new Color(128, 128, 128)),
        ("grey", new Color(128, 128, 128)), ("silver", new Color(192, 192, 192)), ("red", new Color(255, 0, 0)),
        ("maroon", new Color(128, 0, 0)), ("orange", new Color(255, 165, 0)), ("yellow", new Color(255, 255, 0)),
        ("green", new Color(0, 128, 0)), ("teal", new Color(0, 128, 128)), ("blue", new Color(0, 0, 255)),
        ("navy", new Color(0, 0, 128)), ("purple", new Color(128, 0, 128)),
    ];

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private static readonly (string Name, float Width, float Height)[] PageSizes =
    [
        ("A3", 297 * PageSpec.Millimetre, 420 * PageSpec.Millimetre),
        ("A4", 210 * PageSpec.Millimetre, 297 * PageSpec.Millimetre),
        ("A5", 148 * PageSpec.Millimetre, 210 * PageSpec.Millimetre),
        ("Letter", 8.5f * 72, 11 * 72),
        ("Legal", 8.5f * 72, 14 * 72),
        ("DL", 110 * PageSpec.Millimetre, 220 * PageSpec.Millimetre),
        ("C5", 162 * PageSpec.Millimetre, 229 * PageSpec.Millimetre),
    ];

    public static string PageSizeNames => string.Join(", ", PageSizes.Select(s => s.Name));

    // A number with an optional unit; surrounding spaces are allowed, none between the number and its unit.
    public static bool TryLength(ReadOnlySpan<char> text, out float points)
    {
        text = text.Trim();
        var unitAt = text.Length;
        while (unitAt > 0 && char.IsAsciiLetter(text[unitAt - 1]))
        {
            unitAt--;
        }

        points = 0;
        var factor = text[unitAt..] switch
        {
            "" or "pt" => 1f,
            "mm" => PageSpec.Millimetre,
            "cm" => 10 * PageSpec.Millimetre,
            "in" => 72f,
            "px" => 0.75f,
            _ => 0f,
        };
        var number = 0f;
        var spaceBeforeUnit = unitAt > 0 && char.IsWhiteSpace(text[unitAt - 1]);
        if (factor == 0 || spaceBeforeUnit || !TryNumber(text[..unitAt], out number))
        {
            return false;
        }

        points = number * factor;
        return true;
    }

    public static bool TryNumber(ReadOnlySpan<char> text, out float number)
    {
        text = text.Trim();
        return float.TryParse(
                text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture,
                out number)
            && float.IsFinite(number);
    }

    public static bool TryColor(string text, out Color color)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('#'))
        {
            var parsed = Color.Parse(trimmed);
            color = parsed.GetValueOrDefault();
            return parsed is not null && !trimmed.AsSpan(1).ContainsAnyExcept(HexDigits);
        }

        foreach (var (name, value) in Colors)
        {
            if (string.Equals(name, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                color = value;
                return true;
            }
        }

        color = default;
        return false;
    }

    public static bool TryBool(string text, out bool value)
    {
        var trimmed = text.AsSpan().Trim();
        value = trimmed is "true";
        return value || trimmed is "false";
    }

    // One to four lengths, as in CSS: all; vertical horizontal; top horizontal bottom; top right bottom left.
    public static bool TryEdges(string text, float min, float max, out Edges edges)
    {
        edges = default;
        Span<float> values = stackalloc float[4];
        var count = 0;
        foreach (var range in text.AsSpan().SplitAny(' ', '\t', '\n', '\r'))
        {
            var part = text.AsSpan(range);
            if (part.IsEmpty)
            {
                continue;
            }

            if (count == 4 || !TryLength(part, out values[count]) || values[count] < min || values[count] > max)
            {
                return false;
            }

            count++;
        }

        edges = count switch
        {
            1 => Edges.All(values[0]),
            2 => new Edges(values[0], values[1], values[0], values[1]),
            3 => new Edges(values[0], values[1], values[2], values[1]),
            4 => new Edges(values[0], values[1], values[2], values[3]),
            _ => default,
        };
        return count > 0;
    }

    // "none", or a width and an optional colour (black when left out), in either order: "0.5pt #999".
    public static bool TryBorder(string text, out Border? border)
    {
        border = null;
        if (text.Trim() is "none")
        {
            return true;
        }

        float? width = null;
        Color? color = null;
        foreach (var range in text.AsSpan().SplitAny(' ', '\t', '\n', '\r'))
        {
            var part = text[range];
            if (part.Length == 0)
            {
                continue;
            }

            if (width is null && TryLength(part, out var points) && points is >= 0 and <= 72)
            {
                width = points;
            }
            else if (color is null && TryColor(part, out var value))
            {
                color = value;
            }
            else
            {
                return false;
            }
        }

        if (width is null)
        {
            return false;
        }

        border = new Border(width.Value, color ?? Color.Black);
        return true;
    }

    // "30mm" (fixed), "2*" or "*" (a share of what is left), "auto".
    public static bool TryColumnWidth(string text, out ColumnSpec column)
    {
        var trimmed = text.AsSpan().Trim();
        column = ColumnSpec.Auto;
        if (trimmed is "auto")
        {
            return true;
        }

        if (trimmed.EndsWith('*'))
        {
            var share = 1f;
            var valid = trimmed.Length == 1 || (TryNumber(trimmed[..^1], out share) && share is > 0 and <= 1000);
            column = new ColumnSpec(ColumnWidth.Relative, share);
            return valid;
        }

        var fixedWidth = TryLength(trimmed, out var points) && points is > 0 and <= 10_000;
        column = new ColumnSpec(ColumnWidth.Fixed, points);
        return fixedWidth;
    }

    // A named size (case-insensitive) or "width x height" with lengths: "210mm x 99mm", "612x792".
    public static bool TryPageSize(string text, out float width, out float height)
    {
        var trimmed = text.Trim();
        foreach (var (name, w, h) in PageSizes)
        {
            if (string.Equals(name, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                (width, height) = (w, h);
                return true;
            }
        }

        (width, height) = (0, 0);
        if (trimmed.Length > 64)
        {
            return false;
        }

        // "px" holds an x too: try each x as the separator.
        for (var i = trimmed.IndexOf('x', StringComparison.Ordinal); i > 0; i = trimmed.IndexOf('x', i + 1))
        {
            if (TryLength(trimmed.AsSpan(0, i), out width) && TryLength(trimmed.AsSpan(i + 1), out height)
                && width is >= 36 and <= 14_400 && height is >= 36 and <= 14_400)
            {
                return true;
            }
        }

        return false;
    }

    public static bool HasLiquid(string text) =>
        text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal);
}
