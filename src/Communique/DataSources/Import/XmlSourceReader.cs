using System.Text;
using System.Xml;

namespace Communique.DataSources.Import;

// XML: the root element holds one element per record, all of the same name. A record's
// attributes and child elements are its fields; nested elements are flattened with underscores
// (<address><city> is address_city) and so are attributes of child elements (<phone type=""> is
// phone_type). An element repeated inside a record is refused: XML has no way to say that a
// single element is a list of one, so lists come through JSON. DTDs are refused outright, which
// rules out entity expansion (billion laughs) and external entities; nothing is ever resolved.
internal sealed class XmlSourceReader : SourceReader
{
    private const string DuplicateHint = "an element may appear once per record; lists can be imported from JSON";

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        MaxCharactersFromEntities = 1024,
        CloseInput = false,
    };

    private readonly StreamReader _text;
    private readonly XmlReader _xml;
    private readonly SourceFieldSet _fields;
    private readonly char[] _chunk = new char[4096];
    private readonly StringBuilder _value = new();
    private string? _recordName;
    private bool _started;
    private bool _done;
    private long _recordChars;

    public XmlSourceReader(Stream stream, ImportLimits limits) : base(limits)
    {
        _text = new StreamReader(
            new Utf8CheckingStream(stream), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false,
            bufferSize: 1 << 16, leaveOpen: true);
        _xml = XmlReader.Create(_text, Settings);
        _fields = new SourceFieldSet(limits);
    }

    public override SourceFieldSet Fields => _fields;

    private long Line => ((IXmlLineInfo)_xml).LineNumber;

    private protected override IEnumerable<SourceRecord> Read(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = Next();
            if (record is null)
            {
                yield break;
            }
            yield return record;
        }
    }

    private SourceRecord? Next()
    {
        try
        {
            if (_done)
            {
                return null;
            }
            if (!_started && !Start())
            {
                return null;
            }
            while (_xml.NodeType != XmlNodeType.EndElement)
            {
                if (_xml.NodeType == XmlNodeType.Element)
                {
                    return ReadRecord();
                }
                if (_xml.NodeType is XmlNodeType.Text or XmlNodeType.CDATA)
                {
                    throw new SourceDataException(SourceProblem.Malformed,
                        $"Line {Line} has text directly inside the root element, where only record elements belong.",
                        Line);
                }
                if (!_xml.Read())
                {
                    break;
                }
            }
            // Reading on to the end makes the parser check what follows the root.
            while (_xml.Read())
            {
            }
            _done = true;
            return null;
        }
        catch (XmlException e)
        {
            throw Invalid(e);
        }
    }

    private bool Start()
    {
        _started = true;
        if (_xml.MoveToContent() != XmlNodeType.Element)
        {
            throw new SourceDataException(SourceProblem.Malformed,
                "The file has no root element. An XML data source is a root element holding one element per record.",
                Line);
        }
        if (_xml.IsEmptyElement)
        {
            _xml.Read();
            _done = true;
            return false;
        }
        _xml.Read();
        return true;
    }

    private SourceRecord ReadRecord()
    {
        var line = Line;
        _recordName ??= _xml.LocalName;
        if (_xml.LocalName != _recordName)
        {
            throw new SourceDataException(SourceProblem.Malformed,
                $"Line {line} has a <{_xml.LocalName}> element under the root, " +
                $"but the records are <{_recordName}> elements. " +
                "All records must be elements of one name.", line);
        }
        _recordChars = 0;
        var record = new RecordBuilder(_fields, line, Limits, DuplicateHint);
        ReadElement(record, "", depth: 2);
        return record.Build();
    }

    // Reads the element the reader is on, and leaves the reader on the node after it.
    private void ReadElement(RecordBuilder record, string path, int depth)
    {
        var line = Line;
        if (depth > Limits.MaxDepth)
        {
            throw new SourceDataException(SourceProblem.TooDeep,
                $"The XML nests elements more than {Limits.MaxDepth} deep (line {line}). " +
                "Flatten the data and upload it again.", line);
        }
        var hasAttributes = false;
        if (_xml.MoveToFirstAttribute())
        {
            do
            {
                if (_xml.NamespaceURI is "http://www.w3.org/2000/xmlns/" or "http://www.w3.org/2001/XMLSchema-instance")
                {
                    continue;
                }
                hasAttributes = true;
                record.Set(Join(path, _xml.LocalName, line), Count(_xml.Value), line);
            }
            while (_xml.MoveToNextAttribute());
            _xml.MoveToElement();
        }
        if (_xml.IsEmptyElement)
        {
            if (path.Length > 0 && !hasAttributes)
            {
                record.Set(path, "", line);
            }
            _xml.Read();
            return;
        }
        _xml.Read();
        string? text = null;
        var hasChildren = false;
        while (_xml.NodeType != XmlNodeType.EndElement)
        {
            switch (_xml.NodeType)
            {
                case XmlNodeType.Element:
                    hasChildren = true;
                    ReadElement(record, Join(path, _xml.LocalName, Line), depth + 1);
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace:
                    text = text is null ? ReadText() : text + ReadText();
                    _xml.Read();
                    break;
                default:
                    _xml.Read();
                    break;
            }
        }
        _xml.Read();
        if (hasChildren || path.Length == 0)
        {
            if (!string.IsNullOrWhiteSpace(text))
            {
                throw new SourceDataException(SourceProblem.Malformed,
                    $"The element that starts on line {line} mixes text with child elements; " +
                    "a field holds one or the other.", line);
            }
            return;
        }
        record.Set(path, text ?? "", line);
    }

    // In chunks, so one enormous text node is stopped at the record limit, not after it is in memory.
    private string ReadText()
    {
        _value.Clear();
        int read;
        while ((read = _xml.ReadValueChunk(_chunk, 0, _chunk.Length)) > 0)
        {
            _value.Append(_chunk, 0, read);
            Count(read);
        }
        return _value.ToString();
    }

    private string Count(string value)
    {
        Count(value.Length);
        return value;
    }

    private void Count(int chars)
    {
        _recordChars += chars;
        if (_recordChars > Limits.MaxRecordSize)
        {
            throw new SourceDataException(SourceProblem.TooLarge,
                $"The record that ends after line {Line} is larger than {Limits.MaxRecordSize / (1024 * 1024)} MB.",
                Line);
        }
    }

    private string Join(string path, string name, long line)
    {
        var field = FieldNames.Normalize(name, Limits, line);
        return path.Length == 0 ? field : path + "_" + field;
    }

    private SourceDataException Invalid(XmlException e)
    {
        // A prohibited DTD is reported without a position; the reader still knows where it is.
        var line = e.LineNumber > 0 ? e.LineNumber : Line > 0 ? Line : (long?)null;
        // XmlReader reports a prohibited DTD with this word in every version; no error code exists.
        if (e.Message.Contains("DTD", StringComparison.Ordinal))
        {
            return new SourceDataException(SourceProblem.Unsafe,
                "The XML has a document type declaration (<!DOCTYPE …>)" +
                $"{(line is null ? "" : $" on line {line}")}. " +
                "DTDs are refused because their entities can expand without bound or read other files; " +
                "remove it and upload again.", line);
        }
        return new SourceDataException(SourceProblem.Malformed, $"The XML is not well-formed: {e.Message}", line);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _xml.Dispose();
            _text.Dispose();
        }
        base.Dispose(disposing);
    }
}
