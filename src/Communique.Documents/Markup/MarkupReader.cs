using System.Globalization;
using System.Xml;
using Communique.Documents.Model;
using A = Communique.Documents.Markup.MarkupAttribute;
using E = Communique.Documents.Markup.MarkupElement;

namespace Communique.Documents.Markup;

// Reads document markup into the model in one forward pass over an XmlReader: each element's handler takes its
// attributes, then its content, and leaves the reader on its end. Errors are gathered rather than thrown, so that a
// template checked at save shows them all; what cannot be read past (XML that is not well-formed, a limit) ends the
// pass. In a template (Liquid still in it, hidden by LiquidMask) values holding Liquid and text made only of Liquid
// tags are let through, and counts that a Liquid condition may change are not checked.
internal sealed partial class MarkupReader
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        MaxCharactersFromEntities = 1024,
        CloseInput = true,
    };

    // One record's markup: its field values may hold characters XML 1.0 forbids (a control character in imported
    // data, encoded by Liquid as a character reference). They are read, and text drops them; a template has none,
    // as it is checked with the strict settings when saved.
    private static readonly XmlReaderSettings RecordSettings = Lenient(Settings);

    private readonly XmlReader _xml;
    private readonly IXmlLineInfo _place;
    private readonly bool _template;
    private readonly List<MarkupError> _errors;
    private readonly AttributeSet _attributes = new();
    private readonly InlineBuilder _inlines = new();

    // Where the open element at each depth starts, to place an element left unclosed.
    private readonly (int Line, int Column)[] _opened = new (int, int)[DocumentMarkup.MaxDepth + 1];

    // The element whose attributes _attributes holds, and where it starts.
    private E _element;
    private int _elementLine;
    private int _elementColumn;

    private int _elementCount;
    private bool _stopped;

    private MarkupReader(XmlReader xml, bool template, List<MarkupError> errors)
    {
        _xml = xml;
        _place = (IXmlLineInfo)xml;
        _template = template;
        _errors = errors;
    }

    private static XmlReaderSettings Lenient(XmlReaderSettings settings)
    {
        var lenient = settings.Clone();
        lenient.CheckCharacters = false;
        return lenient;
    }

    // The document, or null with the reasons in errors.
    public static DocumentSpec? Read(string text, bool template, List<MarkupError> errors)
    {
        using var xml = XmlReader.Create(new StringReader(text), template ? Settings : RecordSettings);
        var reader = new MarkupReader(xml, template, errors);
        try
        {
            var document = reader.ReadDocument();
            return errors.Count == 0 ? document : null;
        }
        catch (XmlException e)
        {
            reader.NotWellFormed(e, text);
            return null;
        }
    }

    private DocumentSpec? ReadDocument()
    {
        if (_xml.MoveToContent() != XmlNodeType.Element)
        {
            Error(_place.LineNumber, _place.LinePosition, "The markup has no root element; it starts with <document>.");
            return null;
        }

        var (line, column) = ElementPlace();
        var root = Enter();
        if (root != E.Document)
        {
            Error(line, column, $"The root element is <{_xml.Name}>; document markup starts with <document>.");
            return null;
        }

        ReadAttributes(E.Document, line, column);
        var info = new DocumentInfo(
            String(A.Title), String(A.Author), String(A.Subject), String(A.Keywords), Language() ?? "en");
        var style = Inherit(InheritedStyle.Default);
        PageSpec? page = null;
        Watermark? watermark = null;
        List<Block>? body = null;
        var boxes = new List<BoxBlock>();
        var running = new RunningBlock?[4];
        var open = !_xml.IsEmptyElement;
        while (open && NextChild())
        {
            if (IsText)
            {
                TextNotAllowed(E.Document);
                continue;
            }

            var (childLine, childColumn) = ElementPlace();
            var child = Enter();
            if (!Allowed(E.Document, child, childLine, childColumn))
            {
                continue;
            }

            var again = false;
            switch (child)
            {
                case E.Page:
                    again = page is not null;
                    page = ReadPage(childLine, childColumn);
                    break;
                case E.Header or E.Footer:
                    var (first, block) = ReadRunning(child, style, childLine, childColumn);
                    var slot = (child == E.Footer ? 2 : 0) + (first ? 1 : 0);
                    again = running[slot] is not null;
                    running[slot] = block;
                    break;
                case E.Body:
                    again = body is not null;
                    body = ReadBody(style, childLine, childColumn);
                    break;
                case E.Box:
                    boxes.Add(ReadBox(style, childLine, childColumn));
                    break;
                case E.Watermark:
                    again = watermark is not null;
                    watermark = ReadWatermark(style, childLine, childColumn);
                    break;
            }

            // A template may hold both branches of a Liquid condition.
            if (again && !_template)
            {
                Error(childLine, childColumn, $"<{_xml.Name}> is given twice; a document has one.");
            }
        }

        while (!_stopped && _xml.Read())
        {
            // What may follow the root element is checked by the XmlReader.
        }

        if (body is null)
        {
            Error(line, column, "<document> has no <body>.");
        }

        if (_stopped || body is null)
        {
            return null;
        }

        var document = new DocumentSpec
        {
            Page = page ?? PageSpec.A4,
            Info = info,
            Header = running[0],
            FirstHeader = running[1],
            Footer = running[2],
            FirstFooter = running[3],
            Watermark = watermark,
        };
        document.Body.AddRange(body);
        document.Boxes.AddRange(boxes);
        return document;
    }

    private bool IsText => _xml.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace
        or XmlNodeType.SignificantWhitespace;

    // Moves to the next element or text inside the current element; false at its end (or when reading stopped).
    private bool NextChild()
    {
        while (!_stopped && _xml.Read())
        {
            switch (_xml.NodeType)
            {
                case XmlNodeType.EndElement:
                    return false;
                case XmlNodeType.Element or XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace
                    or XmlNodeType.SignificantWhitespace:
                    return true;
            }
        }

        return false;
    }

    // Counts the element the reader is on and checks the limits; its kind, Unknown for a name the markup lacks.
    private E Enter()
    {
        if (++_elementCount > DocumentMarkup.MaxElements)
        {
            Fatal(string.Create(
                CultureInfo.InvariantCulture, $"The markup has more than {DocumentMarkup.MaxElements:N0} elements."));
        }
        else if (_xml.Depth >= DocumentMarkup.MaxDepth)
        {
            Fatal(string.Create(
                CultureInfo.InvariantCulture, $"Elements are nested more than {DocumentMarkup.MaxDepth} deep."));
        }

        if (_xml.Depth < _opened.Length)
        {
            _opened[_xml.Depth] = ElementPlace();
        }

        return _xml.NamespaceURI.Length == 0 ? MarkupNames.Element(_xml.LocalName) : E.Unknown;
    }

    // True when child may stand in parent; otherwise reports it and skips it.
    private bool Allowed(E parent, E child, int line, int column)
    {
        var allowed = MarkupNames.Children(parent);
        if (child != E.Unknown && (allowed & MarkupNames.Bit(child)) != 0)
        {
            return true;
        }

        var name = _xml.Name;
        var parentName = MarkupNames.Name(parent);
        Error(line, column, allowed == 0
            ? $"<{parentName}> must be empty; <{name}> is not allowed in it."
            : child == E.Unknown
                ? $"Unknown element <{name}> in <{parentName}>; allowed here: {MarkupNames.ElementList(allowed)}."
                : $"<{name}> is not allowed in <{parentName}>; allowed here: {MarkupNames.ElementList(allowed)}.");
        Skip();
        return false;
    }

    private void Skip()
    {
        if (_xml.IsEmptyElement)
        {
            return;
        }

        var depth = _xml.Depth;
        while (!_stopped && _xml.Read())
        {
            if (_xml.NodeType == XmlNodeType.Element)
            {
                Enter();
            }
            else if (_xml.NodeType == XmlNodeType.EndElement && _xml.Depth == depth)
            {
                return;
            }
        }
    }

    // Reads an element that takes no content (white space and, in a template, Liquid tags aside).
    private void ReadEmpty(E element)
    {
        var open = !_xml.IsEmptyElement;
        while (open && NextChild())
        {
            if (IsText)
            {
                TextNotAllowed(element);
            }
            else
            {
                var (line, column) = ElementPlace();
                Allowed(element, Enter(), line, column);
            }
        }
    }

    private void TextNotAllowed(E parent)
    {
        if (_xml.NodeType is XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
        {
            return;
        }

        var text = _xml.Value;
        if (IsBlank(text) || (_template && LiquidMask.IsOnlyTags(text)))
        {
            return;
        }

        var (line, column) = FirstInk(text);
        var name = MarkupNames.Name(parent);
        var children = MarkupNames.Children(parent);
        Error(line, column, parent == E.Body
            ? "Text is not allowed directly in <body>; put it in a <p>."
            : children == 0
                ? $"<{name}> must be empty; it takes no text."
                : $"Text is not allowed directly in <{name}>; it holds {MarkupNames.ElementList(children)}.");
    }

    private static bool IsBlank(string text)
    {
        foreach (var c in text)
        {
            if (c is not (' ' or '\t' or '\n' or '\r'))
            {
                return false;
            }
        }

        return true;
    }

    // Where the first character of the text node the reader is on that is not white space stands.
    private (int Line, int Column) FirstInk(string text)
    {
        var (line, column) = (_place.LineNumber, _place.LinePosition);
        foreach (var c in text)
        {
            if (c == '\n')
            {
                (line, column) = (line + 1, 1);
            }
            else if (c is ' ' or '\t' or '\r')
            {
                column++;
            }
            else
            {
                break;
            }
        }

        return (line, column);
    }

    // The place of the '<' of the element the reader is on (XmlReader gives its name's).
    private (int Line, int Column) ElementPlace() => (_place.LineNumber, Math.Max(1, _place.LinePosition - 1));

    private void Error(int line, int column, string message)
    {
        if (_stopped)
        {
            return;
        }

        _errors.Add(new MarkupError(Math.Max(1, line), Math.Max(1, column), message));
        _stopped = _errors.Count >= DocumentMarkup.MaxErrors;
    }

    private void Fatal(string message)
    {
        var (line, column) = ElementPlace();
        Error(line, column, message);
        _stopped = true;
    }

    private void NotWellFormed(XmlException e, string text)
    {
        var message = e.Message;
        var (line, column) = (e.LineNumber, e.LinePosition);
        var at = message.LastIndexOf(" Line ", StringComparison.Ordinal);
        if (at > 0)
        {
            message = message[..at];
        }

        if (message.Contains("DTD", StringComparison.Ordinal))
        {
            message = "A DOCTYPE declaration is not allowed in document markup.";
            (line, column) = PlaceOf(text, text.IndexOf("<!DOCTYPE", StringComparison.Ordinal));
        }
        else if (Unclosed(message) is { } unclosed)
        {
            message = $"<{unclosed.Name}> is not closed before the end of the markup.";
            (line, column) = unclosed.Count <= _opened.Length ? _opened[unclosed.Count - 1] : (line, column);
        }
        else if (message.Contains("undeclared entity", StringComparison.Ordinal))
        {
            message = $"{message} Only &amp; &lt; &gt; &quot; &apos; and character references such as &#160; are "
                + "allowed.";
        }
        else
        {
            message = $"The markup is not well-formed XML: {message}";
        }

        Error(line, column, message);
        _stopped = true;
    }

    // The innermost element left open at the end of the markup, and how many are open, from XmlReader's message.
    private static (string Name, int Count)? Unclosed(string message)
    {
        const string Marker = "The following elements are not closed: ";
        var at = message.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var names = message[(at + Marker.Length)..].TrimEnd('.', ' ').Split(", ");
        return names.Length > 0 && names[0].Length > 0 ? (names[0], names.Length) : null;
    }

    // The line and column of an offset into the text (XmlReader does not place some of its errors).
    private static (int Line, int Column) PlaceOf(string text, int offset)
    {
        var (line, column) = (1, 1);
        for (var i = 0; i < offset; i++)
        {
            (line, column) = text[i] == '\n' ? (line + 1, 1) : (line, column + 1);
        }

        return (line, column);
    }
}
