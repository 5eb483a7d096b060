using System.Globalization;

namespace Communique.Documents.Drawing;

// An sRGB colour, 8 bits per channel.
public readonly record struct Color(byte R, byte G, byte B)
{
    public static readonly Color Black = new(0, 0, 0);
    public static readonly Color White = new(255, 255, 255);

    // `#rgb` or `#rrggbb`; null when the text is neither.
    public static Color? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length is not (4 or 7) || text[0] != '#'
            || !int.TryParse(text.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        return text.Length == 7
            ? new Color((byte)(value >> 16), (byte)(value >> 8), (byte)value)
            : new Color((byte)((value >> 8 & 0xF) * 17), (byte)((value >> 4 & 0xF) * 17), (byte)((value & 0xF) * 17));
    }
}
