using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Communique.Email.Compose;

// Moves an email's CSS inline once per send instead of once per message: the Liquid HTML template itself is inlined.
// Every Liquid tag and output is masked so that the HTML parser neither reads nor moves it (an HTML comment between
// elements, private-use characters inside attribute values, comments and title text). The CSS is applied to the
// parsed template, and the attributes it changed are written back into the template's own text at each element's
// place: the template is not re-serialised, so its structure, whitespace and Liquid stay exactly as written.
//
// Selectors are matched against the template with every Liquid branch present. Where Liquid could change what a
// selector selects or what a rule applies to — inside a style element, in a class, id or style attribute, in a tag
// outside a quoted attribute value — or where the CSS styles an element the template does not write (an implied
// body), the template is not inlined here (null) and its messages are inlined one by one after rendering.
public static partial class TemplateInliner
{
    private const char MaskOpen = '\uE000';
    private const char MaskClose = '\uE001';

    // Elements whose content is text to the HTML parser up to their own end tag.
    private static readonly HashSet<string> RawTextElements = new(StringComparer.Ordinal)
    {
        "style", "script", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript",
    };

    private static readonly HashSet<string> SelectingAttributes =
        new(StringComparer.Ordinal) { "class", "id", "style" };

    public static string? TryInline(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (template.Contains(MaskOpen, StringComparison.Ordinal)
            || template.Contains(MaskClose, StringComparison.Ordinal))
        {
            return null;
        }

        // The parser reads CR LF as LF; positions are only comparable on text that has none.
        var source = template.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        if (Mask(source) is not var (masked, segments))
        {
            return null;
        }

        var document = new HtmlParser(new HtmlParserOptions { IsKeepingSourceReferences = true }).ParseDocument(masked);
        var before = document.All.ToDictionary(
            e => e, e => e.Attributes.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal));
        var styles = document.QuerySelectorAll("style").ToList();
        using (var premailer = new PreMailer.Net.PreMailer(document))
        {
            premailer.MoveCssInline(removeStyleElements: true, ignoreElements: "link", preserveMediaQueries: true);
        }

        var patches = new List<(int Start, int End, string Text)>();
        foreach (var style in styles)
        {
            if (Start(style, masked) is not { } start)
            {
                return null;
            }

            var close = masked.IndexOf("</style", start, StringComparison.OrdinalIgnoreCase);
            var end = close < 0 ? masked.Length
                : masked.IndexOf('>', close) is var gt and >= 0 ? gt + 1
                : masked.Length;
            patches.Add((start, end, style.Parent is null ? "" : $"<style>{style.TextContent}</style>"));
        }

        foreach (var (element, attributes) in before)
        {
            var changed = element.Attributes
                .Where(a => !attributes.TryGetValue(a.Name, out var old) || old != a.Value).ToList();
            if (changed.Count == 0 || element.LocalName == "style")
            {
                continue;
            }

            if (Start(element, masked) is not { } start || StartTagPatch(masked, start, changed) is not { } patch)
            {
                return null;
            }

            patches.Add(patch);
        }

        var result = new StringBuilder(masked.Length + 1024);
        var at = 0;
        foreach (var (start, end, text) in patches.OrderBy(p => p.Start))
        {
            if (start < at)
            {
                return null;
            }

            result.Append(masked, at, start - at).Append(text);
            at = end;
        }

        result.Append(masked, at, masked.Length - at);
        return Unmask(result.ToString(), segments);
    }

    // The text part's template when none is written, derived once per send from the HTML template: the HTML's words
    // with each link's address after its text (EmailRenderer.TextOf) and the Liquid kept, so that each message's text
    // costs one render instead of a pass over its HTML. Null when a Liquid tag does not come through, or the Liquid
    // comes out of order (a tag in the head, a style or a script; a link whose text and address both hold Liquid):
    // then each message's text is derived from its rendered HTML.
    public static string? TryDeriveText(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (template.Contains(MaskOpen, StringComparison.Ordinal)
            || template.Contains(MaskClose, StringComparison.Ordinal))
        {
            return null;
        }

        var masked = new StringBuilder(template.Length);
        var segments = new List<string>();
        for (var i = 0; i < template.Length;)
        {
            if (template[i] == '{' && i + 1 < template.Length && template[i + 1] is '{' or '%')
            {
                var end = LiquidEnd(template, i);
                if (end < 0)
                {
                    return null;
                }

                masked.Append(MaskOpen).Append(segments.Count.ToString(CultureInfo.InvariantCulture)).Append(MaskClose);
                segments.Add(template[i..end]);
                i = end;
            }
            else
            {
                masked.Append(template[i++]);
            }
        }

        // Outputs in the head may vanish with it; every tag must come through, and all in their order.
        string text;
        try
        {
            text = EmailRenderer.TextOf(masked.ToString());
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }

        var next = 0;
        var intact = true;
        var result = Masked().Replace(text, m =>
        {
            var number = m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : -1;
            while (number > next && next < segments.Count && segments[next].StartsWith("{{", StringComparison.Ordinal))
            {
                next++;
            }

            intact &= number == next;
            next++;
            return intact ? segments[number] : m.Value;
        });
        while (next < segments.Count && segments[next].StartsWith("{{", StringComparison.Ordinal))
        {
            next++;
        }

        return intact && next == segments.Count ? result : null;
    }

    // Where an element's start tag begins in the text that was parsed; null for an element the parser implied.
    private static int? Start(IElement element, string masked)
    {
        if (element.SourceReference is not { } reference)
        {
            return null;
        }

        var index = reference.Position.Index;
        return index >= 0 && index + 1 + element.LocalName.Length <= masked.Length && masked[index] == '<'
            && string.Compare(masked, index + 1, element.LocalName, 0, element.LocalName.Length,
                StringComparison.OrdinalIgnoreCase) == 0
            ? index
            : null;
    }

    // The start tag at `start` with the changed attributes' values replaced, or added before its end.
    private static (int Start, int End, string Text)? StartTagPatch(string masked, int start, List<IAttr> changed)
    {
        var values = new Dictionary<string, (int Start, int End)>(StringComparer.OrdinalIgnoreCase);
        var i = start + 1;
        while (i < masked.Length && !IsTagSpace(masked[i]) && masked[i] is not ('>' or '/'))
        {
            i++;
        }

        while (true)
        {
            while (i < masked.Length && (IsTagSpace(masked[i]) || masked[i] == '/'))
            {
                i++;
            }

            if (i >= masked.Length)
            {
                return null;
            }

            if (masked[i] == '>')
            {
                break;
            }

            var nameStart = i;
            while (i < masked.Length && !IsTagSpace(masked[i]) && masked[i] is not ('>' or '/' or '='))
            {
                i++;
            }

            var name = masked[nameStart..i];
            while (i < masked.Length && IsTagSpace(masked[i]))
            {
                i++;
            }

            if (i < masked.Length && masked[i] == '=')
            {
                i++;
                while (i < masked.Length && IsTagSpace(masked[i]))
                {
                    i++;
                }

                var valueStart = i;
                if (i < masked.Length && masked[i] is '"' or '\'')
                {
                    var quote = masked[i];
                    i = masked.IndexOf(quote, i + 1);
                    if (i < 0)
                    {
                        return null;
                    }

                    i++;
                }
                else
                {
                    while (i < masked.Length && !IsTagSpace(masked[i]) && masked[i] != '>')
                    {
                        i++;
                    }
                }

                values.TryAdd(name, (nameStart + name.Length, i));
            }
            else
            {
                values.TryAdd(name, (nameStart + name.Length, nameStart + name.Length));
            }
        }

        var end = i + 1;
        var tag = new StringBuilder(masked, start, end - start, end - start + 256);
        var added = new StringBuilder();
        foreach (var attribute in changed.Where(a => !values.ContainsKey(a.Name)))
        {
            added.Append(' ').Append(attribute.Name).Append("=\"").Append(Encode(attribute.Value)).Append('"');
        }

        // Replacements from the last to the first, so earlier offsets stay valid; additions go just before `>` or `/>`.
        var closing = masked[i - 1] == '/' ? i - 1 - start : i - start;
        tag.Insert(closing, added.ToString());
        foreach (var (valueStart, valueEnd, value) in changed.Where(a => values.ContainsKey(a.Name))
                     .Select(a => (values[a.Name].Start, values[a.Name].End, a.Value)).OrderByDescending(v => v.Start))
        {
            tag.Remove(valueStart - start, valueEnd - valueStart)
                .Insert(valueStart - start, "=\"" + Encode(value) + "\"");
        }

        return (start, end, tag.ToString());
    }

    private static string Encode(string value) =>
        value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    private static bool IsTagSpace(char c) => c is ' ' or '\t' or '\n' or '\f' or '\r';

    private enum Html
    {
        Text,
        Comment,
        Bogus,
        RawText,
        TagName,
        BeforeAttribute,
        AttributeName,
        AfterAttributeName,
        BeforeValue,
        QuotedValue,
        UnquotedValue,
    }

    // The template with each Liquid tag or output replaced by a numbered mask, and the Liquid it replaced; null when
    // Liquid stands where masking could change what the CSS applies to.
    private static (string Masked, List<string> Segments)? Mask(string source)
    {
        var masked = new StringBuilder(source.Length);
        var segments = new List<string>();
        var state = Html.Text;
        var tagName = new StringBuilder();
        var attribute = new StringBuilder();
        var endTag = false;
        var rawText = "";
        var quote = '\0';
        var i = 0;
        while (i < source.Length)
        {
            if (source[i] == '{' && i + 1 < source.Length && source[i + 1] is '{' or '%')
            {
                var end = LiquidEnd(source, i);
                if (end < 0)
                {
                    return null;
                }

                var number = segments.Count.ToString(CultureInfo.InvariantCulture);
                switch (state)
                {
                    case Html.Text:
                        masked.Append("<!--").Append(MaskOpen).Append(number).Append(MaskClose).Append("-->");
                        break;
                    case Html.Comment:
                    case Html.RawText when rawText != "style":
                    case Html.QuotedValue when !SelectingAttributes.Contains(attribute.ToString().ToLowerInvariant()):
                        masked.Append(MaskOpen).Append(number).Append(MaskClose);
                        break;
                    default:
                        return null;
                }

                segments.Add(source[i..end]);
                i = end;
                continue;
            }

            var c = source[i];
            switch (state)
            {
                case Html.Text when c == '<':
                    if (string.CompareOrdinal(source, i, "<!--", 0, 4) == 0)
                    {
                        masked.Append("<!--");
                        i += 4;
                        state = Html.Comment;
                        continue;
                    }

                    var next = i + 1 < source.Length ? source[i + 1] : '\0';
                    endTag = next == '/';
                    var first = endTag && i + 2 < source.Length ? source[i + 2] : next;
                    if (char.IsAsciiLetter(first))
                    {
                        state = Html.TagName;
                        tagName.Clear();
                        masked.Append(c);
                        if (endTag)
                        {
                            masked.Append('/');
                            i++;
                        }

                        i++;
                        continue;
                    }

                    if (next is '!' or '?')
                    {
                        state = Html.Bogus;
                    }

                    break;
                case Html.Comment when c == '-' && string.CompareOrdinal(source, i, "-->", 0, 3) == 0:
                    masked.Append("-->");
                    i += 3;
                    state = Html.Text;
                    continue;
                case Html.Bogus when c == '>':
                    state = Html.Text;
                    break;
                case Html.RawText when c == '<' && string.Compare(
                    source, i, "</" + rawText, 0, rawText.Length + 2, StringComparison.OrdinalIgnoreCase) == 0:
                    state = Html.Text;
                    continue;
                case Html.TagName or Html.BeforeAttribute or Html.AttributeName or Html.AfterAttributeName
                    or Html.BeforeValue or Html.UnquotedValue
                    when c == '>':
                    var name = tagName.ToString().ToLowerInvariant();
                    state = !endTag && RawTextElements.Contains(name) ? Html.RawText : Html.Text;
                    rawText = name;
                    break;
                case Html.TagName:
                    if (IsTagSpace(c) || c == '/')
                    {
                        state = Html.BeforeAttribute;
                    }
                    else
                    {
                        tagName.Append(c);
                    }

                    break;
                case Html.BeforeAttribute when !IsTagSpace(c) && c != '/':
                    state = Html.AttributeName;
                    attribute.Clear().Append(c);
                    break;
                case Html.AttributeName:
                    if (c == '=')
                    {
                        state = Html.BeforeValue;
                    }
                    else if (IsTagSpace(c) || c == '/')
                    {
                        state = Html.AfterAttributeName;
                    }
                    else
                    {
                        attribute.Append(c);
                    }

                    break;
                case Html.AfterAttributeName when c == '=':
                    state = Html.BeforeValue;
                    break;
                case Html.AfterAttributeName when !IsTagSpace(c) && c != '/':
                    state = Html.AttributeName;
                    attribute.Clear().Append(c);
                    break;
                case Html.BeforeValue when c is '"' or '\'':
                    state = Html.QuotedValue;
                    quote = c;
                    break;
                case Html.BeforeValue when !IsTagSpace(c):
                    state = Html.UnquotedValue;
                    break;
                case Html.QuotedValue when c == quote:
                    state = Html.BeforeAttribute;
                    break;
                case Html.UnquotedValue when IsTagSpace(c):
                    state = Html.BeforeAttribute;
                    break;
            }

            masked.Append(c);
            i++;
        }

        return (masked.ToString(), segments);
    }

    // The end of the Liquid tag or output that starts at `start` (quoted strings may hold its closing characters);
    // a raw or comment block runs to its end tag. -1 when it does not end.
    private static int LiquidEnd(string source, int start)
    {
        var closing = source[start + 1] == '{' ? '}' : '%';
        var quote = '\0';
        for (var j = start + 2; j + 1 < source.Length; j++)
        {
            var c = source[j];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == closing && source[j + 1] == '}')
            {
                if (closing == '%' && BlockTag().Match(source, start, j + 2 - start) is { Success: true } block)
                {
                    var close = (block.Groups[1].Value == "raw" ? EndRaw() : EndComment()).Match(source, j + 2);
                    return close.Success ? close.Index + close.Length : -1;
                }

                return j + 2;
            }
        }

        return -1;
    }

    private static string? Unmask(string text, List<string> segments)
    {
        var used = new bool[segments.Count];
        var intact = true;
        var result = Masked().Replace(text, m =>
        {
            var number = int.Parse(
                m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (number >= segments.Count || used[number])
            {
                intact = false;
                return m.Value;
            }

            used[number] = true;
            return segments[number];
        });
        return intact && used.All(u => u) ? result : null;
    }

    [GeneratedRegex(@"\G\{%-?\s*(raw|comment)\s*-?%\}")]
    private static partial Regex BlockTag();

    [GeneratedRegex(@"\{%-?\s*endraw\s*-?%\}")]
    private static partial Regex EndRaw();

    [GeneratedRegex(@"\{%-?\s*endcomment\s*-?%\}")]
    private static partial Regex EndComment();

    [GeneratedRegex("<!--\uE000([0-9]+)\uE001-->|\uE000([0-9]+)\uE001")]
    private static partial Regex Masked();
}
