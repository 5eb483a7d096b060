using System.IO.Compression;
using System.Security.Cryptography;

namespace Communique.Documents.Pdf;

// The file being written: objects are composed in a buffer that is flushed to the stream in large writes, their
// offsets kept for the cross-reference table, and every byte hashed so that the trailer's /ID follows from the
// content (the same input gives the same file).
internal sealed class PdfOutput : IDisposable
{
    private const int FlushAt = 64 * 1024;

    private readonly Stream _stream;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<long> _offsets = [0];
    private long _flushed;

    public PdfOutput(Stream stream) => _stream = stream;

    public PdfBuffer Buffer { get; } = new(16 * 1024);

    public long Position => _flushed + Buffer.Length;

    public int ObjectCount => _offsets.Count;

    public int Reserve()
    {
        _offsets.Add(-1);
        return _offsets.Count - 1;
    }

    public PdfBuffer BeginObject(int number)
    {
        _offsets[number] = Position;
        return Buffer.Int(number).Ascii(" 0 obj\n");
    }

    public void EndObject()
    {
        Buffer.Ascii("\nendobj\n");
        if (Buffer.Length >= FlushAt)
        {
            Flush();
        }
    }

    // A whole stream object: the dictionary's entries (without /Length) and the data as it is to be stored.
    public void StreamObject(int number, ReadOnlySpan<byte> entries, ReadOnlySpan<byte> data)
    {
        BeginObject(number).Ascii("<<").Raw(entries).Ascii("/Length ").Int(data.Length).Ascii(">>\nstream\n");
        if (data.Length > FlushAt)
        {
            Flush();
            Write(data);
        }
        else
        {
            Buffer.Raw(data);
        }

        Buffer.Ascii("\nendstream");
        EndObject();
    }

    // A stream object whose data is compressed (zlib, FlateDecode) straight into the file's buffer; its length is
    // written into room left for it once the data is there.
    public void CompressedStreamObject(int number, ReadOnlySpan<byte> entries, ReadOnlySpan<byte> data)
    {
        // Zlib writes nothing at all for no data, which is not a valid Flate stream.
        if (data.IsEmpty)
        {
            StreamObject(number, entries, data);
            return;
        }

        BeginObject(number).Ascii("<<").Raw(entries).Ascii("/Filter/FlateDecode/Length ");
        var lengthAt = Buffer.Length;
        Buffer.Ascii("           >>\nstream\n");
        var start = Buffer.Length;
        using (var zlib = new ZLibStream(new PdfBufferStream(Buffer), CompressionLevel.Fastest))
        {
            zlib.Write(data);
        }

        Buffer.Patch(lengthAt, Buffer.Length - start);
        Buffer.Ascii("\nendstream");
        EndObject();
    }

    // The cross-reference table and trailer; /ID is the hash of everything before it and of the extra bytes.
    public void Close(int root, int info, ReadOnlySpan<byte> extra)
    {
        var xref = Position;
        Buffer.Ascii("xref\n0 ").Int(_offsets.Count).Ascii("\n0000000000 65535 f \n");
        for (var i = 1; i < _offsets.Count; i++)
        {
            if (_offsets[i] < 0)
            {
                throw new InvalidOperationException($"PDF object {i} was reserved but never written.");
            }

            Buffer.Padded(_offsets[i], 10).Ascii(" 00000 n \n");
            if (Buffer.Length >= FlushAt)
            {
                Flush();
            }
        }

        Flush();
        _hash.AppendData(extra);
        Span<byte> id = stackalloc byte[32];
        _hash.GetHashAndReset(id);
        Buffer.Ascii("trailer\n<</Size ").Int(_offsets.Count).Ascii("/Root ").Ref(root).Ascii("/Info ").Ref(info)
            .Ascii("/ID[<").HexBytes(id[..16]).Ascii("><").HexBytes(id[..16]).Ascii(">]>>\nstartxref\n").Int(xref)
            .Ascii("\n%%EOF\n");
        Flush();
        _stream.Flush();
    }

    public void Flush()
    {
        Write(Buffer.Span);
        Buffer.Clear();
    }

    public void Dispose()
    {
        _hash.Dispose();
        Buffer.Dispose();
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _hash.AppendData(bytes);
        _stream.Write(bytes);
        _flushed += bytes.Length;
    }
}
