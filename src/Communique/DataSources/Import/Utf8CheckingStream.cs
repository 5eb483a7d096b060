using System.Text;
using System.Text.Unicode;

namespace Communique.DataSources.Import;

// Checks that bytes are UTF-8 as they pass on to a parser, so every format refuses other
// encodings the same way (offset of the first bad byte, and its line for text formats) in the
// same single pass that parses. Decoders would replace bad bytes or fail without saying where.
// Drops a UTF-8 byte order mark; offsets still count it.
internal sealed class Utf8CheckingStream(Stream inner, string? part = null, bool ownsInner = false) : Stream
{
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    private long _offset;
    private long _newlines;
    private bool _started;
    private readonly byte[] _head = new byte[3];
    private int _headStart;
    private int _headEnd;

    // A multi-byte character cut by the end of the last read, to be checked with the next.
    private readonly byte[] _carry = new byte[4];
    private int _carryLength;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _offset; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }
        if (!_started)
        {
            _started = true;
            SkipByteOrderMark();
        }
        int n;
        if (_headStart < _headEnd)
        {
            n = Math.Min(buffer.Length, _headEnd - _headStart);
            _head.AsSpan(_headStart, n).CopyTo(buffer);
            _headStart += n;
        }
        else
        {
            n = inner.Read(buffer);
        }
        Check(buffer[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    private void SkipByteOrderMark()
    {
        while (_headEnd < 3)
        {
            var n = inner.Read(_head.AsSpan(_headEnd));
            if (n == 0)
            {
                break;
            }
            _headEnd += n;
        }
        if (_head.AsSpan(0, _headEnd).SequenceEqual(Bom))
        {
            _headStart = 3;
            _offset = 3;
        }
    }

    private void Check(ReadOnlySpan<byte> bytes)
    {
        var start = 0;
        if (bytes.IsEmpty)
        {
            if (_carryLength > 0)
            {
                throw NotUtf8(_offset - _carryLength, _carry[0], "the file ends in the middle of a character");
            }
            return;
        }
        if (_carryLength > 0)
        {
            var carryOffset = _offset - _carryLength;
            var needed = SequenceLength(_carry[0]);
            while (_carryLength < needed && start < bytes.Length)
            {
                _carry[_carryLength++] = bytes[start++];
            }
            _offset += start;
            if (_carryLength < needed)
            {
                return;
            }
            if (!Utf8.IsValid(_carry.AsSpan(0, needed)))
            {
                throw NotUtf8(carryOffset, _carry[0], null);
            }
            _carryLength = 0;
        }
        var body = bytes[start..];
        var tail = IncompleteTail(body);
        var whole = body[..^tail];
        if (!Utf8.IsValid(whole))
        {
            var bad = FirstInvalid(whole);
            throw NotUtf8(_offset + bad, whole[bad], null, whole[..bad]);
        }
        _newlines += whole.Count((byte)'\n');
        body[^tail..].CopyTo(_carry);
        _carryLength = tail;
        _offset += body.Length;
    }

    // The length of a character that starts at the end of the buffer and continues in the next read.
    private static int IncompleteTail(ReadOnlySpan<byte> bytes)
    {
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }
            return SequenceLength(b) > back ? back : 0;
        }
        return 0;
    }

    private static int SequenceLength(byte lead) => lead switch
    {
        >= 0xF0 => 4,
        >= 0xE0 => 3,
        >= 0xC0 => 2,
        _ => 1,
    };

    private static int FirstInvalid(ReadOnlySpan<byte> bytes)
    {
        var at = 0;
        while (at < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[at..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return at;
            }
            at += consumed;
        }
        return at;
    }

    private SourceDataException NotUtf8(long offset, byte value, string? why, ReadOnlySpan<byte> before = default)
    {
        var reason = why ?? $"the byte 0x{value:X2} is not valid UTF-8";
        if (part is not null)
        {
            return new SourceDataException(SourceProblem.NotUtf8,
                $"The spreadsheet part '{part}' is not UTF-8: {reason} (at byte offset {offset} of that part). " +
                "Save the workbook again as .xlsx and upload it.", null, offset);
        }
        var line = 1 + _newlines + before.Count((byte)'\n');
        return new SourceDataException(SourceProblem.NotUtf8,
            $"The file is not UTF-8: {reason} (line {line}, byte offset {offset}). " +
            "Data sources must be UTF-8: save or export the file as UTF-8 and upload it again.", line, offset);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsInner)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
