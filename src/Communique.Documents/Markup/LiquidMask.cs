namespace Communique.Documents.Markup;

// A template is checked at save with its Liquid still in it. Liquid runs on the source before the XML is read, so
// what is inside `{{ … }}` and `{% … %}` (a `<` in a condition, quotes in a filter's argument) is not XML: Hide
// overwrites it with '_' and keeps the delimiters, line ends and every offset, so that positions stay true and the
// reader still sees where Liquid was. A `{% comment %}` is hidden up to its `{% endcomment %}`.
internal static class LiquidMask
{
    public const char Filler = '_';

    public static string Hide(string source)
    {
        var start = NextOpening(source, 0);
        if (start < 0)
        {
            return source;
        }

        var chars = source.ToCharArray();
        while (start >= 0)
        {
            var end = Closing(source, start);
            if (end < 0)
            {
                break;
            }

            if (source[start + 1] == '%' && TagName(source, start) is "comment")
            {
                end = EndOfComment(source, end);
                if (end < 0)
                {
                    break;
                }
            }

            // Keep "{{" / "{%" and "}}" / "%}"; end is the index after the closing delimiter.
            for (var i = start + 2; i < end - 2; i++)
            {
                if (chars[i] is not ('\n' or '\r'))
                {
                    chars[i] = Filler;
                }
            }

            start = NextOpening(source, end);
        }

        return new string(chars);
    }

    // True when text is only white space and Liquid tags (`{% … %}`, as Hide leaves them).
    public static bool IsOnlyTags(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }

            if (i + 1 >= text.Length || text[i] != '{' || text[i + 1] != '%')
            {
                return false;
            }

            var close = text.IndexOf("%}", i + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            i = close + 2;
        }

        return true;
    }

    private static int NextOpening(string source, int from)
    {
        for (var i = source.IndexOf('{', from); i >= 0 && i + 1 < source.Length; i = source.IndexOf('{', i + 1))
        {
            if (source[i + 1] is '{' or '%')
            {
                return i;
            }
        }

        return -1;
    }

    // The index after the delimiter that closes the output or tag opened at start; -1 when it is not closed. Quoted
    // strings are skipped, as Liquid reads them.
    private static int Closing(string source, int start)
    {
        var close = source[start + 1] == '{' ? '}' : '%';
        var i = start + 2;
        while (i + 1 < source.Length)
        {
            var c = source[i];
            if (c is '"' or '\'')
            {
                var endQuote = source.IndexOf(c, i + 1);
                if (endQuote < 0)
                {
                    return -1;
                }

                i = endQuote + 1;
            }
            else if (c == close && source[i + 1] == '}')
            {
                return i + 2;
            }
            else
            {
                i++;
            }
        }

        return -1;
    }

    private static string TagName(string source, int start)
    {
        var i = start + 2;
        while (i < source.Length && (source[i] == '-' || char.IsWhiteSpace(source[i])))
        {
            i++;
        }

        var nameStart = i;
        while (i < source.Length && char.IsAsciiLetter(source[i]))
        {
            i++;
        }

        return source[nameStart..i];
    }

    // The index after the `{% endcomment %}` that follows from; -1 when there is none.
    private static int EndOfComment(string source, int from)
    {
        for (var tag = NextOpening(source, from); tag >= 0; tag = NextOpening(source, tag + 2))
        {
            if (source[tag + 1] == '%' && TagName(source, tag) is "endcomment")
            {
                return Closing(source, tag);
            }
        }

        return -1;
    }
}
