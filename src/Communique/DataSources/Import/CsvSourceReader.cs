using System.Runtime.CompilerServices;
using System.Text;
using nietras.SeparatedValues;

namespace Communique.DataSources.Import;

// CSV on Sep (chosen by measurement: about three times CsvHelper's rows per second here).
// Sep splits rows and columns; the rules that make a CSV importable are checked here: a named,
// unique header, no ragged rows, and quotes that are balanced (Sep quietly reads an unclosed
// quote to the end of the file). The separator is the one of , ; tab | that the header row uses
// most (Excel writes ; where the decimal separator is a comma). Blank lines are skipped.
internal sealed class CsvSourceReader : SourceReader
{
    private readonly StreamReader _text;
    private readonly RecordSizeGuard _guard;
    private readonly SepReader _sep;
    private readonly SourceFieldSet _fields;

    public CsvSourceReader(Stream stream, ImportLimits limits) : base(limits)
    {
        _text = new StreamReader(
            new Utf8CheckingStream(stream), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false,
            bufferSize: 1 << 16, leaveOpen: true);
        _guard = new RecordSizeGuard(_text, limits.MaxRecordSize);
        try
        {
            var separator = _guard.DetectSeparator();
            _sep = Sep.Reader(o => o with
                {
                    Sep = new Sep(separator), HasHeader = false, DisableColCountCheck = true, Unescape = false,
                })
                .From(_guard);
            _fields = ReadHeader();
        }
        catch
        {
            Dispose(true);
            throw;
        }
    }

    public override SourceFieldSet Fields => _fields;

    private SourceFieldSet ReadHeader()
    {
        var first = true;
        while (_sep.MoveNext())
        {
            var row = _sep.Current;
            // Sep numbers the first row as line 2; it is line 1.
            var line = first ? 1 : row.LineNumberFrom;
            first = false;
            _guard.Checked(row.LineNumberToExcl);
            if (row.Span.IsEmpty)
            {
                continue;
            }
            var names = Values(row, line, checkCount: false);
            return SourceFieldSet.FromHeader(
                names, Limits, i => (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), line);
        }
        throw new SourceDataException(SourceProblem.BadHeader,
            "The file is empty. A CSV data source starts with a header row naming its fields.", 1, 0);
    }

    private protected override IEnumerable<SourceRecord> Read(CancellationToken cancellationToken)
    {
        while (_sep.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = ToRecord(_sep.Current);
            if (record is not null)
            {
                yield return record;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per value or row: see Import/SourceReader.cs
    private SourceRecord? ToRecord(SepReader.Row row)
    {
        _guard.Checked(row.LineNumberToExcl);
        if (row.Span.IsEmpty)
        {
            return null;
        }
        return new SourceRecord(row.LineNumberFrom, Values(row, row.LineNumberFrom, checkCount: true));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per value or row: see Import/SourceReader.cs
    private string[] Values(SepReader.Row row, long line, bool checkCount)
    {
        var quoted = row.Span.Contains('"');
        if (quoted)
        {
            CheckQuotes(row, line);
        }
        var count = row.ColCount;
        if (checkCount && count != _fields.Count)
        {
            var lastLine = row.LineNumberToExcl - 1;
            var where = lastLine > line ? $"The record on lines {line}-{lastLine}" : $"Line {line}";
            throw new SourceDataException(SourceProblem.RaggedRow,
                $"{where} has {count} field{(count == 1 ? "" : "s")} but the header has {_fields.Count}. " +
                "Every row needs one value per header column (empty values are fine: a,,c).", line);
        }
        var values = new string[count];
        for (var i = 0; i < count; i++)
        {
            var col = row[i].Span;
            values[i] = quoted && col.Length > 0 && col[0] == '"' ? Unquote(col) : col.ToString();
        }
        return values;
    }

    // RFC 4180: a value with a quote is quoted whole, and quotes inside it are doubled.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per value or row: see Import/SourceReader.cs
    private static void CheckQuotes(SepReader.Row row, long line)
    {
        var rowSpan = row.Span;
        var offset = 0;
        for (var i = 0; i < row.ColCount; i++)
        {
            var col = row[i].Span;
            var quote = col.IndexOf('"');
            if (quote >= 0)
            {
                var opening = line + rowSpan[..offset].Count('\n');
                if (quote > 0)
                {
                    throw new SourceDataException(SourceProblem.UnbalancedQuote,
                        $"Line {opening + col[..quote].Count('\n')} has a quote inside a value " +
                        "that does not start with one. " +
                        "Quote the whole value and double the quotes inside it: \"a \"\"quoted\"\" word\".", opening);
                }
                var at = 1;
                while (true)
                {
                    var next = col[at..].IndexOf('"');
                    if (next < 0)
                    {
                        throw new SourceDataException(SourceProblem.UnbalancedQuote,
                            $"The quote that opens a value on line {opening} is never closed.", opening);
                    }
                    at += next;
                    if (at + 1 < col.Length && col[at + 1] == '"')
                    {
                        at += 2;
                        continue;
                    }
                    if (at == col.Length - 1)
                    {
                        break;
                    }
                    var closing = opening + col[..at].Count('\n');
                    throw new SourceDataException(SourceProblem.UnbalancedQuote,
                        $"On line {closing} a quoted value (opened on line {opening}) is followed by more text " +
                        "before the next separator. " +
                        "Double every quote inside a quoted value (\"\") and close every quote.", closing);
                }
            }
            offset += col.Length + 1;
        }
    }

    private static string Unquote(ReadOnlySpan<char> col)
    {
        var inner = col[1..^1];
        return inner.Contains("\"\"", StringComparison.Ordinal)
            ? inner.ToString().Replace("\"\"", "\"", StringComparison.Ordinal)
            : inner.ToString();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sep?.Dispose();
            _text.Dispose();
        }
        base.Dispose(disposing);
    }

    // Sep grows its buffer until a record fits, so an unclosed quote early in a big file would
    // pull the rest of the file into memory. This stops reading once one record passes the limit.
    // It also looks at the header row before Sep does, to choose the separator.
    private sealed class RecordSizeGuard(TextReader inner, int maxRecordChars) : TextReader
    {
        private static readonly char[] Separators = [',', ';', '\t', '|'];

        private long _sinceLastRecord;
        private long _nextLine = 1;
        private string _replay = "";
        private int _replayed;

        public void Checked(long nextLine)
        {
            _sinceLastRecord = 0;
            _nextLine = nextLine;
        }

        // Reads ahead to the end of the first non-blank line, keeps what it read for Sep, and
        // counts the candidate separators outside quotes there.
        public char DetectSeparator()
        {
            var ahead = new System.Text.StringBuilder();
            var chunk = new char[4096];
            int read;
            while (ahead.Length <= maxRecordChars && !HasHeaderLine(ahead) && (read = inner.Read(chunk)) > 0)
            {
                ahead.Append(chunk, 0, read);
            }
            _replay = ahead.ToString();
            var counts = new int[Separators.Length];
            var quoted = false;
            var seenText = false;
            foreach (var c in _replay)
            {
                if (c == '"')
                {
                    quoted = !quoted;
                }
                else if (!quoted && c is '\n' or '\r' && seenText)
                {
                    break;
                }
                else if (!quoted && Array.IndexOf(Separators, c) is var i and >= 0)
                {
                    counts[i]++;
                }
                seenText |= !char.IsWhiteSpace(c);
            }
            var best = 0;
            for (var i = 1; i < counts.Length; i++)
            {
                best = counts[i] > counts[best] ? i : best;
            }
            return Separators[best];
        }

        private static bool HasHeaderLine(System.Text.StringBuilder ahead)
        {
            var seenText = false;
            foreach (var chunk in ahead.GetChunks())
            {
                foreach (var c in chunk.Span)
                {
                    if (c == '\n' && seenText)
                    {
                        return true;
                    }
                    seenText |= !char.IsWhiteSpace(c);
                }
            }
            return false;
        }

        public override int Peek() => _replayed < _replay.Length ? _replay[_replayed] : inner.Peek();

        public override int Read()
        {
            if (_replayed < _replay.Length)
            {
                Count(1);
                return _replay[_replayed++];
            }
            var c = inner.Read();
            Count(c < 0 ? 0 : 1);
            return c;
        }

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            if (_replayed < _replay.Length)
            {
                var n = Math.Min(buffer.Length, _replay.Length - _replayed);
                _replay.AsSpan(_replayed, n).CopyTo(buffer);
                _replayed += n;
                return Count(n);
            }
            return Count(inner.Read(buffer));
        }

        private int Count(int read)
        {
            _sinceLastRecord += read;
            if (_sinceLastRecord > maxRecordChars + (1L << 20))
            {
                throw new SourceDataException(SourceProblem.TooLarge,
                    $"The record that starts on line {_nextLine} is longer than {maxRecordChars / (1024 * 1024)} MB; " +
                    "most likely a quote on that line is never closed.", _nextLine);
            }
            return read;
        }
    }
}
