using Icu;

namespace Communique.Documents.Text;

// The bidirectional embedding levels of a paragraph's characters (UAX #9), from ICU. Text with no right-to-left
// character, no Arabic digit and no bidi control in a left-to-right paragraph resolves to level 0 throughout, so
// it skips ICU.
internal static class BidiLevels
{
    [ThreadStatic]
    private static BiDi? t_bidi;

    // 0 for a left-to-right paragraph, 1 for right-to-left; Auto takes the first strong character's direction.
    public static byte BaseLevel(string text, TextDirection direction)
    {
        switch (direction)
        {
            case TextDirection.LeftToRight:
                return 0;
            case TextDirection.RightToLeft:
                return 1;
            default:
                if (!MayBeRightToLeft(text))
                {
                    return 0;
                }

                IcuRuntime.EnsureLoaded();
                return BiDi.GetBaseDirection(text) == BiDi.BiDiDirection.RTL ? (byte)1 : (byte)0;
        }
    }

    // The level of each character, or null when every character is at level 0.
    public static byte[]? Resolve(string text, byte baseLevel)
    {
        if (baseLevel == 0 && !MayBeRightToLeft(text))
        {
            return null;
        }

        IcuRuntime.EnsureLoaded();
        var bidi = t_bidi ??= new BiDi();
        bidi.SetPara(text, baseLevel, null);
        var levels = bidi.GetLevels();
        return levels as byte[] ?? [.. levels];
    }

    // Whether a character of the text is right-to-left, an Arabic number or an explicit bidi control: the Hebrew,
    // Arabic, Syriac, Thaana, NKo, Samaritan and Mandaic blocks, their presentation forms, the bidi controls, and the
    // right-to-left ranges beyond the BMP (U+10800 to U+10FFF and U+1E800 to U+1EFFF).
    private static bool MayBeRightToLeft(string text)
    {
        foreach (var c in text)
        {
            if (c < '\u0590')
            {
                continue;
            }

            if (c <= '\u08FF' || c is >= '\uFB1D' and <= '\uFDFF' or >= '\uFE70' and <= '\uFEFF'
                or '\u200E' or '\u200F' or >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069'
                or '\uD802' or '\uD803' or '\uD83A' or '\uD83B')
            {
                return true;
            }
        }

        return false;
    }
}
