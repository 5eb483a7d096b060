using System.Buffers;
using System.Text;

namespace Communique.Documents.Pdf;

// A growable byte buffer with the few PDF token writers the writer needs. Numbers are written with at most three
// decimals and no exponent, whatever the culture: PDF readers accept nothing else. The storage is rented from the
// shared pool, so that a document's buffers cost no new memory once a few documents have been written.
internal sealed class PdfBuffer : IDisposable
{
    private byte[] _bytes;

    public PdfBuffer(int capacity = 4096) => _bytes = ArrayPool<byte>.Shared.Rent(capacity);

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public PdfBuffer Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(Length));
        Length += bytes.Length;
        return this;
    }

    // ASCII text (operators, names, dictionary keys) written as is.
    public PdfBuffer Ascii(string text)
    {
        Ensure(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            _bytes[Length + i] = (byte)text[i];
        }

        Length += text.Length;
        return this;
    }

    public PdfBuffer Byte(byte value)
    {
        Ensure(1);
        _bytes[Length++] = value;
        return this;
    }

    public PdfBuffer Int(long value)
    {
        Ensure(20);
        if (value < 0)
        {
            _bytes[Length++] = (byte)'-';
            value = -value;
        }

        var start = Length;
        do
        {
            _bytes[Length++] = (byte)('0' + value % 10);
            value /= 10;
        }
        while (value > 0);

        _bytes.AsSpan(start, Length - start).Reverse();
        return this;
    }

    // A non-negative integer in exactly `width` digits (cross-reference offsets).
    public PdfBuffer Padded(long value, int width)
    {
        Ensure(width);
        for (var i = width - 1; i >= 0; i--)
        {
            _bytes[Length + i] = (byte)('0' + value % 10);
            value /= 10;
        }

        Length += width;
        return this;
    }

    // Writes a non-negative integer over bytes already written (a length known only after the data).
    public void Patch(int at, long value)
    {
        var digits = value == 0 ? 1 : (int)Math.Floor(Math.Log10(value)) + 1;
        for (var i = digits - 1; i >= 0; i--)
        {
            _bytes[at + i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }

    // A real number rounded to three decimals, trailing zeros dropped; what is not a finite number is written as 0,
    // so that a bad coordinate misplaces one thing rather than breaking the file.
    public PdfBuffer Num(double value)
    {
        if (!double.IsFinite(value) || Math.Abs(value) > 1e12)
        {
            return Byte((byte)'0');
        }

        var scaled = (long)Math.Round(value * 1000, MidpointRounding.AwayFromZero);
        if (scaled < 0)
        {
            Byte((byte)'-');
            scaled = -scaled;
        }

        Int(scaled / 1000);
        var fraction = (int)(scaled % 1000);
        if (fraction == 0)
        {
            return this;
        }

        Ensure(4);
        _bytes[Length++] = (byte)'.';
        var digits = fraction % 100 == 0 ? 1 : fraction % 10 == 0 ? 2 : 3;
        var divisor = 100;
        for (var i = 0; i < digits; i++)
        {
            _bytes[Length++] = (byte)('0' + fraction / divisor % 10);
            divisor /= 10;
        }

        return this;
    }

    public PdfBuffer Space() => Byte((byte)' ');

    public PdfBuffer Ref(int number) => Int(number).Ascii(" 0 R");

    public PdfBuffer Hex4(int value)
    {
        Ensure(4);
        for (var shift = 12; shift >= 0; shift -= 4)
        {
            var digit = value >> shift & 0xF;
            _bytes[Length++] = (byte)(digit < 10 ? '0' + digit : 'A' + digit - 10);
        }

        return this;
    }

    public PdfBuffer HexBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length * 2);
        foreach (var b in bytes)
        {
            _bytes[Length++] = (byte)((b >> 4) < 10 ? '0' + (b >> 4) : 'A' + (b >> 4) - 10);
            _bytes[Length++] = (byte)((b & 0xF) < 10 ? '0' + (b & 0xF) : 'A' + (b & 0xF) - 10);
        }

        return this;
    }

    // A text string (document information, titles): a literal string when it is printable ASCII, else UTF-16BE with
    // a byte order mark as PDF asks for text outside PDFDocEncoding.
    public PdfBuffer Text(string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                Byte((byte)'<').Ascii("FEFF").HexBytes(Encoding.BigEndianUnicode.GetBytes(text));
                return Byte((byte)'>');
            }
        }

        return Literal(text);
    }

    // A literal string of printable ASCII with PDF's escapes.
    public PdfBuffer Literal(string text)
    {
        Byte((byte)'(');
        foreach (var c in text)
        {
            if (c is '(' or ')' or '\\')
            {
                Byte((byte)'\\');
            }

            Byte((byte)c);
        }

        return Byte((byte)')');
    }

    // A name object: characters outside the regular printable set are written as #xx.
    public PdfBuffer Name(string name)
    {
        Byte((byte)'/');
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            if (b is > (byte)' ' and < 127 and not ((byte)'#' or (byte)'/' or (byte)'(' or (byte)')' or (byte)'<'
                or (byte)'>' or (byte)'[' or (byte)']' or (byte)'{' or (byte)'}' or (byte)'%'))
            {
                Byte(b);
            }
            else
            {
                Byte((byte)'#').HexBytes([b]);
            }
        }

        return this;
    }

    public void Dispose()
    {
        if (_bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
        }

        _bytes = [];
        Length = 0;
    }

    private void Ensure(int count)
    {
        if (Length + count > _bytes.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, Length + count));
            _bytes.AsSpan(0, Length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = larger;
        }
    }
}
