using System.Globalization;
using System.Text.Json;

namespace Communique.DataSources.Import;

// JSON: an array of objects, one record each, read one object at a time with Utf8JsonReader
// over a buffer that holds at most one record. Nested objects are flattened into fields named
// with underscores ({"address": {"city": …}} is address_city), because a dot in a field name
// would read as member access in Liquid and underscores are what CSV headers become. Arrays
// are repeaters: an array of objects gives items with their own fields; an array of plain
// values gives items with one field, "value". Numbers are written in the data standard's
// notation so that they parse like the rest of the source.
internal sealed class JsonSourceReader : SourceReader
{
    private readonly Utf8CheckingStream _input;
    private readonly DataStandard _standard;
    private readonly SourceFieldSet _fields;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _eof;
    private JsonReaderState _state;
    private long _line = 1;

    // Line bookkeeping inside the record being parsed, so items know their lines.
    private long _scanIndex;
    private long _scanLine;

    public JsonSourceReader(Stream stream, DataStandard standard, ImportLimits limits) : base(limits)
    {
        _input = new Utf8CheckingStream(stream);
        _standard = standard;
        _fields = new SourceFieldSet(limits);
        _state = new JsonReaderState(new JsonReaderOptions { MaxDepth = limits.MaxDepth });
    }

    public override SourceFieldSet Fields => _fields;

    private protected override IEnumerable<SourceRecord> Read(CancellationToken cancellationToken)
    {
        var first = NextToken(skip: false, out _, out var line);
        if (first != JsonTokenType.StartArray)
        {
            throw new SourceDataException(SourceProblem.Malformed,
                first == JsonTokenType.None
                    ? "The file is empty. A JSON data source is an array of objects: [{\"name\": \"Ann\"}, …]."
                    : "A JSON data source is an array of objects ([{\"name\": \"Ann\"}, …]), " +
                      $"but this one starts with {Describe(first)} on line {line}.",
                line);
        }
        var position = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var token = NextToken(skip: true, out var start, out line);
            if (token == JsonTokenType.EndArray)
            {
                break;
            }
            position++;
            if (token != JsonTokenType.StartObject)
            {
                throw new SourceDataException(SourceProblem.Malformed,
                    $"Item {position} of the array (line {line}) is {Describe(token)}; " +
                    "every item must be an object of fields.", line);
            }
            yield return ParseRecord(start, line);
        }
        var after = NextToken(skip: true, out _, out line);
        if (after != JsonTokenType.None)
        {
            throw new SourceDataException(
                SourceProblem.Malformed, $"Line {line} has more JSON after the closing ] of the array.", line);
        }
    }

    private JsonTokenType NextToken(bool skip, out int tokenStart, out long tokenLine)
    {
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _eof, _state);
            try
            {
                if (reader.Read())
                {
                    var type = reader.TokenType;
                    var start = _start + (int)reader.TokenStartIndex;
                    if (!skip || type is not (JsonTokenType.StartObject or JsonTokenType.StartArray)
                        || reader.TrySkip())
                    {
                        tokenStart = start;
                        tokenLine = _line + Newlines(_start, start);
                        Advance((int)reader.BytesConsumed);
                        _state = reader.CurrentState;
                        return type;
                    }
                }
                else if (_eof)
                {
                    tokenStart = _start;
                    tokenLine = _line + Newlines(_start, _end);
                    return JsonTokenType.None;
                }
            }
            catch (JsonException e)
            {
                throw Invalid(e, reader.CurrentDepth);
            }
            Fill();
        }
    }

    private void Fill()
    {
        if (_eof)
        {
            throw new SourceDataException(SourceProblem.Malformed,
                $"The JSON ends early, after line {_line}: a bracket or quote is not closed.", _line);
        }
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= Limits.MaxRecordSize)
            {
                var skipped = _buffer.AsSpan(0, _end).IndexOfAnyExcept(" \t\r\n,"u8);
                var line = _line + (skipped > 0 ? Newlines(0, skipped) : 0);
                throw new SourceDataException(SourceProblem.TooLarge,
                    $"The record that starts on line {line} is larger than {Limits.MaxRecordSize / (1024 * 1024)} MB.",
                    line);
            }
            Array.Resize(ref _buffer, (int)Math.Min(_buffer.Length * 2L, Limits.MaxRecordSize));
        }
        var read = _input.Read(_buffer, _end, _buffer.Length - _end);
        _end += read;
        _eof = read == 0;
    }

    private void Advance(int count)
    {
        _line += Newlines(_start, _start + count);
        _start += count;
    }

    private long Newlines(int from, int to) => _buffer.AsSpan(from, to - from).Count((byte)'\n');

    private SourceDataException Invalid(JsonException e, int depth)
    {
        var line = (e.LineNumber ?? 0) + 1;
        if (depth >= Limits.MaxDepth - 1)
        {
            return new SourceDataException(SourceProblem.TooDeep,
                $"The JSON nests objects and arrays more than {Limits.MaxDepth} deep (line {line}). " +
                "Flatten the data and upload it again.", line);
        }
        var message = e.Message;
        var position = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (position > 0)
        {
            message = message[..position];
        }
        var column = (e.BytePositionInLine ?? 0) + 1;
        return new SourceDataException(SourceProblem.Malformed,
            $"The JSON is not valid on line {line} at byte {column} of the line: {message}", line);
    }

    // The object is whole in the buffer (TrySkip checked it), so it parses without refills.
    private const string DuplicateHint =
        "names are compared ignoring case, and nested objects become names joined by underscores";

    private SourceRecord ParseRecord(int start, long line)
    {
        var json = _buffer.AsSpan(start, _start - start);
        _scanIndex = 0;
        _scanLine = line;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = Limits.MaxDepth });
        reader.Read();
        var record = new RecordBuilder(_fields, line, Limits, DuplicateHint);
        ReadMembers(ref reader, json, record, "");
        return record.Build();
    }

    private void ReadMembers(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, RecordBuilder record, string prefix)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var line = LineAt(json, reader.TokenStartIndex);
            var key = FieldNames.Normalize(reader.GetString()!, Limits, line);
            if (key.Length == 0)
            {
                throw new SourceDataException(
                    SourceProblem.BadHeader, $"Line {line} has a field with an empty name.", line);
            }
            var name = prefix + key;
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    ReadMembers(ref reader, json, record, name + "_");
                    break;
                case JsonTokenType.StartArray:
                    var field = record.Repeater(name, line);
                    record.SetItems(field, ReadItems(ref reader, json, field.Items!));
                    break;
                default:
                    record.Set(name, Scalar(ref reader), line);
                    break;
            }
        }
    }

    private SourceRecord[] ReadItems(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, SourceFieldSet fields)
    {
        var items = new List<SourceRecord>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var line = LineAt(json, reader.TokenStartIndex);
            var item = new RecordBuilder(fields, line, Limits, DuplicateHint);
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    ReadMembers(ref reader, json, item, "");
                    break;
                case JsonTokenType.StartArray:
                    throw new SourceDataException(SourceProblem.Malformed,
                        $"Line {line} has a list directly inside a list; put each inner list in an object with a name.",
                        line);
                default:
                    item.Set("value", Scalar(ref reader), line);
                    break;
            }
            items.Add(item.Build());
        }
        return [.. items];
    }

    private string? Scalar(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Number =>
            decimal.TryParse(reader.ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? number.ToString(_standard.Culture)
                : System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
        _ => null,
    };

    private long LineAt(ReadOnlySpan<byte> json, long index)
    {
        _scanLine += json[(int)_scanIndex..(int)index].Count((byte)'\n');
        _scanIndex = index;
        return _scanLine;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "a list",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "true or false",
        JsonTokenType.Null => "null",
        _ => "nothing",
    };
}
