using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using System.Xml;

namespace Communique.Assets.Storage;

// Makes an uploaded SVG safe to serve as an image and to inline into HTML.
//
// Refused (the file as a whole cannot be trusted or understood):
//   - not well-formed XML, or not UTF-8/UTF-16 as its declaration says;
//   - any DTD (<!DOCTYPE>, <!ENTITY>): entities can expand without bound or read other files, and
//     removing the DTD would change what the entity references in the body mean;
//   - a root element other than <svg> in the SVG namespace;
//   - more than maxCharacters characters, or elements nested deeper than MaxDepth.
// Sanitised (the drawing survives, the dangerous part goes, and Removed says what went):
//   - <script>, <foreignObject>, elements outside the SVG namespace and SVG elements not on the
//     allow-list, each with everything inside it;
//   - animations (<set>, <animate>...) that target href, style or an event handler;
//   - event-handler attributes (on*), xml:base, attributes from other namespaces (editor metadata);
//   - href/xlink:href/src unless a same-document #fragment or a data:image/png|jpeg|gif|webp URL;
//   - a style attribute or <style> element whose CSS fetches anything (url()/src() other than a
//     #fragment or a raster data URL, @import, image-set()...) or that the check cannot read
//     reliably (backslash escapes, '<'); presentation attributes with such a url();
//   - comments and processing instructions (<?xml-stylesheet?> is an external reference).
public static class SvgSanitizer
{
    public const string SvgNamespace = "http://www.w3.org/2000/svg";
    public const int MaxDepth = 256;

    private const string XlinkNamespace = "http://www.w3.org/1999/xlink";
    private const string XmlNamespace = "http://www.w3.org/XML/1998/namespace";
    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";

    // SVG 1.1 and 2 drawing, structure, paint-server, filter, text and animation elements. Not here:
    // script, foreignObject, SVG fonts, cursor, handler/listener and anything unknown.
    private static readonly FrozenSet<string> AllowedElements = new[]
    {
        "a", "circle", "clipPath", "defs", "desc", "ellipse", "g", "image", "line", "linearGradient",
        "marker", "mask", "metadata", "path", "pattern", "polygon", "polyline", "radialGradient", "rect",
        "stop", "style", "svg", "switch", "symbol", "text", "textPath", "title", "tspan", "use", "view",
        "animate", "animateMotion", "animateTransform", "set", "mpath", "filter",
        "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
        "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA",
        "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge", "feMergeNode",
        "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile",
        "feTurbulence",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> Animations =
        new[] { "animate", "animateMotion", "animateTransform", "set" }.ToFrozenSet(StringComparer.Ordinal);

    // CSS functions that take a URL as a plain string, which the url() check would not see:
    // image(), image-set(), -webkit-image-set(), cross-fade(), element() and their prefixed variants.
    private static readonly string[] FetchingFunctions = ["image", "fade", "element"];

    private static readonly SearchValues<char> DoubleQuotedEnd = SearchValues.Create("\"\n\r\f");
    private static readonly SearchValues<char> SingleQuotedEnd = SearchValues.Create("'\n\r\f");

    private static readonly string[] RasterDataUrls = ["data:image/png", "data:image/jpeg", "data:image/gif",
        "data:image/webp"];

    public static async Task<SvgSanitization> SanitizeAsync(
        Stream svg, long maxCharacters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(svg);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCharacters);

        var settings = new XmlReaderSettings
        {
            Async = true,
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxCharacters,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            CloseInput = false,
        };
        var removed = new Removals();
        using var output = new MemoryStream();
        try
        {
            using (var reader = XmlReader.Create(svg, settings))
            using (var writer = XmlWriter.Create(output, new XmlWriterSettings
            {
                Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
                OmitXmlDeclaration = true,
                CloseOutput = false,
            }))
            {
                var refusal = await CopyAsync(reader, writer, removed, cancellationToken);
                if (refusal is not null)
                {
                    return new(null, refusal, removed.List);
                }
            }
        }
        catch (XmlException e) when (e.Message.Contains("DTD", StringComparison.Ordinal))
        {
            // XmlException carries no error code; with DtdProcessing.Prohibit every DTD ends here.
            return new(null, "the SVG declares a DTD (<!DOCTYPE> or <!ENTITY>), which is not accepted", removed.List);
        }
        catch (XmlException e)
            when (e.Message.Contains(nameof(XmlReaderSettings.MaxCharactersInDocument), StringComparison.Ordinal))
        {
            return new(null, $"the SVG is longer than {maxCharacters} characters", removed.List);
        }
        catch (XmlException e)
        {
            return new(null, $"the SVG is not well-formed XML: {e.Message}", removed.List);
        }

        return new(output.ToArray(), null, removed.List);
    }

    private static async Task<string?> CopyAsync(
        XmlReader reader, XmlWriter writer, Removals removed, CancellationToken cancellationToken)
    {
        var sawRoot = false;
        var more = await reader.ReadAsync();
        while (more)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (reader.Depth > MaxDepth)
                    {
                        return $"the SVG nests elements deeper than {MaxDepth} levels";
                    }

                    if (!sawRoot)
                    {
                        sawRoot = true;
                        if (reader.LocalName != "svg")
                        {
                            return $"the root element is <{reader.Name}>, not <svg>";
                        }

                        if (reader.NamespaceURI != SvgNamespace)
                        {
                            return $"the root <svg> element is not in the SVG namespace (xmlns=\"{SvgNamespace}\")";
                        }
                    }

                    if (WhyRemove(reader) is { } reason)
                    {
                        removed.Add(reason);
                        await reader.SkipAsync();
                        more = reader.ReadState == ReadState.Interactive;
                        continue;
                    }

                    if (reader.LocalName == "style")
                    {
                        await CopyStyleAsync(reader, writer, removed);
                        break;
                    }

                    var empty = reader.IsEmptyElement;
                    writer.WriteStartElement(reader.Prefix, reader.LocalName, reader.NamespaceURI);
                    CopyAttributes(reader, writer, removed);
                    if (empty)
                    {
                        writer.WriteEndElement();
                    }

                    break;
                case XmlNodeType.EndElement:
                    writer.WriteFullEndElement();
                    break;
                case XmlNodeType.Text:
                    writer.WriteString(reader.Value);
                    break;
                case XmlNodeType.CDATA:
                    // Escaped text means the same and leaves no CDATA for an HTML parser to misread.
                    writer.WriteString(reader.Value);
                    break;
                case XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace when reader.Depth > 0:
                    writer.WriteWhitespace(reader.Value);
                    break;
            }

            more = await reader.ReadAsync();
        }

        return null;
    }

    private static string? WhyRemove(XmlReader element)
    {
        if (element.NamespaceURI != SvgNamespace)
        {
            return $"<{element.Name}> (not an SVG element)";
        }

        var name = element.LocalName;
        if (name is "script" or "foreignObject")
        {
            return $"<{name}>";
        }

        if (!AllowedElements.Contains(name))
        {
            return $"<{name}> (not an allowed SVG element)";
        }

        if (Animations.Contains(name) && element.GetAttribute("attributeName") is { } target)
        {
            var local = target.Trim();
            local = local[(local.IndexOf(':', StringComparison.Ordinal) + 1)..];
            if (local.Equals("href", StringComparison.OrdinalIgnoreCase)
                || local.Equals("style", StringComparison.OrdinalIgnoreCase)
                || local.Equals("base", StringComparison.OrdinalIgnoreCase)
                || local.StartsWith("on", StringComparison.OrdinalIgnoreCase))
            {
                return $"<{name}> animating {target.Trim()}";
            }
        }

        return null;
    }

    private static void CopyAttributes(XmlReader element, XmlWriter writer, Removals removed)
    {
        foreach (var (prefix, local, ns, value) in SafeAttributes(element, removed))
        {
            writer.WriteAttributeString(prefix, local, ns, value);
        }
    }

    private static List<(string Prefix, string Local, string Namespace, string Value)> SafeAttributes(
        XmlReader element, Removals removed)
    {
        var kept = new List<(string, string, string, string)>();
        if (element.MoveToFirstAttribute())
        {
            do
            {
                // The writer declares whatever namespaces the kept names need.
                if (element.NamespaceURI == XmlnsNamespace)
                {
                    continue;
                }

                if (WhyRemoveAttribute(element.Name, element.LocalName, element.NamespaceURI, element.Value)
                    is { } reason)
                {
                    removed.Add(reason);
                    continue;
                }

                kept.Add((element.Prefix, element.LocalName, element.NamespaceURI, element.Value));
            }
            while (element.MoveToNextAttribute());

            element.MoveToElement();
        }

        return kept;
    }

    private static string? WhyRemoveAttribute(string name, string local, string ns, string value)
    {
        if (local.StartsWith("on", StringComparison.OrdinalIgnoreCase))
        {
            return $"{name} event handler";
        }

        if (ns == XmlNamespace)
        {
            return local is "space" or "lang" ? null : $"{name} attribute";
        }

        if (ns == XlinkNamespace)
        {
            return local != "href" || IsSafeReference(value) ? null : $"{name}=\"{Shorten(value)}\"";
        }

        if (ns.Length != 0)
        {
            return $"{name} attribute (not SVG)";
        }

        if (local is "href" or "src")
        {
            return IsSafeReference(value) ? null : $"{name}=\"{Shorten(value)}\"";
        }

        if (local == "style")
        {
            return IsSafeCss(value) ? null : "style attribute with external references or unreadable CSS";
        }

        // Presentation attributes (fill, filter, mask, marker-*...) and animation values are CSS values.
        if (value.Contains('(', StringComparison.Ordinal) && !IsSafeCss(value))
        {
            return $"{name}=\"{Shorten(value)}\"";
        }

        if (RemoveWhitespace(value).Contains("javascript:", StringComparison.OrdinalIgnoreCase))
        {
            return $"{name}=\"{Shorten(value)}\"";
        }

        return null;
    }

    // Reads a <style> element's text before deciding, so an unsafe one leaves nothing behind.
    private static async Task CopyStyleAsync(XmlReader reader, XmlWriter writer, Removals removed)
    {
        var empty = reader.IsEmptyElement;
        var depth = reader.Depth;
        var prefix = reader.Prefix;
        var ns = reader.NamespaceURI;
        var attributes = SafeAttributes(reader, removed);
        var css = new StringBuilder();
        var safe = true;
        if (!empty)
        {
            var more = await reader.ReadAsync();
            while (more && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
            {
                if (reader.NodeType == XmlNodeType.Element)
                {
                    safe = false;
                    await reader.SkipAsync();
                    more = reader.ReadState == ReadState.Interactive;
                    continue;
                }

                if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace
                    or XmlNodeType.SignificantWhitespace)
                {
                    css.Append(reader.Value);
                }

                more = await reader.ReadAsync();
            }
        }

        if (!safe || !IsSafeCss(css.ToString()))
        {
            removed.Add("<style> with external references or unreadable CSS");
            return;
        }

        writer.WriteStartElement(prefix, "style", ns);
        foreach (var (p, local, n, value) in attributes)
        {
            writer.WriteAttributeString(p, local, n, value);
        }

        writer.WriteString(css.ToString());
        writer.WriteFullEndElement();
    }

    private static bool IsSafeReference(string value)
    {
        var url = value.Trim();
        if (url.Length == 0 || url.StartsWith('#'))
        {
            return true;
        }

        foreach (var prefix in RasterDataUrls)
        {
            if (url.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && url.Length > prefix.Length && url[prefix.Length] is ';' or ',')
            {
                return true;
            }
        }

        return false;
    }

    // Not a CSS parser: a conservative scan that accepts only CSS it can read with certainty.
    // Escapes (\) can spell any name, so they are not read at all; '<' could close a <style> when
    // the SVG is inlined into HTML.
    private static bool IsSafeCss(string css)
    {
        if (css.Contains('\\', StringComparison.Ordinal)
            || css.Contains('<', StringComparison.Ordinal)
            || css.Contains("@import", StringComparison.OrdinalIgnoreCase)
            || css.Contains("expression(", StringComparison.OrdinalIgnoreCase)
            || css.Contains("javascript:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var i = 0;
        while (i < css.Length)
        {
            var c = css[i];
            if (c is '"' or '\'')
            {
                // A string left open ends at a line break (what follows is CSS again) or at the end;
                // rather than follow those rules, such CSS is not read.
                var end = css.AsSpan(i + 1).IndexOfAny(c == '"' ? DoubleQuotedEnd : SingleQuotedEnd);
                if (end < 0 || css[i + 1 + end] != c)
                {
                    return false;
                }

                i += end + 2;
            }
            else if (c == '/' && i + 1 < css.Length && css[i + 1] == '*')
            {
                var end = css.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? css.Length : end + 2;
            }
            else if (c == '(')
            {
                var start = i;
                while (start > 0 && (char.IsAsciiLetterOrDigit(css[start - 1]) || css[start - 1] is '-' or '_'))
                {
                    start--;
                }

                var function = css[start..i];
                if (FetchingFunctions.Any(f => function.Contains(f, StringComparison.OrdinalIgnoreCase)))
                {
                    return false;
                }

                if (function.Equals("url", StringComparison.OrdinalIgnoreCase)
                    || function.Equals("src", StringComparison.OrdinalIgnoreCase))
                {
                    var close = css.IndexOf(')', i + 1);
                    if (close < 0)
                    {
                        return false;
                    }

                    var argument = css[(i + 1)..close].Trim();
                    if (argument.Length >= 2 && argument[0] is '"' or '\'')
                    {
                        var quote = argument[0];
                        var end = argument.IndexOf(quote, 1);
                        if (end < 0)
                        {
                            return false;
                        }

                        argument = argument[1..end];
                    }

                    if (!IsSafeReference(argument))
                    {
                        return false;
                    }

                    i = close + 1;
                    continue;
                }

                i++;
            }
            else
            {
                i++;
            }
        }

        return true;
    }

    private static string RemoveWhitespace(string value) =>
        string.Concat(value.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)));

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..57] + "...";

    private sealed class Removals
    {
        private readonly List<string> _list = [];

        public IReadOnlyList<string> List => _list;

        public void Add(string what)
        {
            if (!_list.Contains(what))
            {
                _list.Add(what);
            }
        }
    }
}
