using System.IO.Compression;
using System.Text;
using System.Xml;

namespace Communique.DataSources.Import;

// The zip container of an XLSX workbook, opened defensively: every entry's declared size and
// compression ratio is checked against the limits before anything is inflated, and each part
// is read through a stream that stops at its declared size, so an entry that lies about its
// size is caught too. Parts must be UTF-8 XML without a DTD (no XXE through a spreadsheet).
internal sealed class XlsxPackage : IDisposable
{
    internal static readonly XmlReaderSettings XmlSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        MaxCharactersFromEntities = 1024,
        CloseInput = true,
    };

    private readonly ZipArchive _zip;
    private readonly ImportLimits _limits;

    public XlsxPackage(Stream stream, ImportLimits limits)
    {
        if (!stream.CanSeek)
        {
            throw new ArgumentException("An XLSX source must be read from a seekable stream (a file).", nameof(stream));
        }
        _limits = limits;
        try
        {
            _zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new SourceDataException(SourceProblem.Malformed,
                "The file is not an XLSX workbook (it is not a valid zip file).", innerException: e);
        }
        CheckSizes();
    }

    private void CheckSizes()
    {
        if (_zip.Entries.Count > _limits.MaxZipEntries)
        {
            throw new SourceDataException(SourceProblem.Unsafe,
                $"The workbook has {_zip.Entries.Count} parts; the limit is {_limits.MaxZipEntries}. " +
                "It was not opened.");
        }
        long total = 0;
        foreach (var entry in _zip.Entries)
        {
            if (entry.Length > _limits.MaxXlsxPartBytes)
            {
                throw new SourceDataException(SourceProblem.Unsafe,
                    $"The workbook part '{entry.FullName}' would inflate to {Megabytes(entry.Length)}; the limit is " +
                    $"{Megabytes(_limits.MaxXlsxPartBytes)}. It was not decompressed.");
            }
            total += entry.Length;
            if (total > _limits.MaxXlsxTotalBytes)
            {
                throw new SourceDataException(SourceProblem.Unsafe,
                    $"The workbook would inflate to more than {Megabytes(_limits.MaxXlsxTotalBytes)}. " +
                    "It was not decompressed.");
            }
            if (entry.Length > _limits.CompressionRatioFloorBytes
                && entry.Length > Math.Max(entry.CompressedLength, 1) * _limits.MaxCompressionRatio)
            {
                throw new SourceDataException(SourceProblem.Unsafe,
                    $"The workbook looks like a zip bomb: its part '{entry.FullName}' would inflate from " +
                    $"{Megabytes(entry.CompressedLength)} to {Megabytes(entry.Length)} " +
                    $"({entry.Length / Math.Max(entry.CompressedLength, 1)}:1; " +
                    $"spreadsheets stay under {_limits.MaxCompressionRatio}:1). " +
                    "It was not decompressed.");
            }
        }
    }

    public bool Has(string part) => _zip.GetEntry(part) is not null;

    public XmlReader Open(string part)
    {
        var entry = _zip.GetEntry(part)
            ?? throw new SourceDataException(SourceProblem.Malformed,
                $"The workbook has no part '{part}'; save it again as .xlsx and upload it.");
        var bounded = new BoundedStream(entry.Open(), entry.Length, part);
        var text = new StreamReader(
            new Utf8CheckingStream(bounded, part, ownsInner: true), new UTF8Encoding(false),
            detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: false);
        return XmlReader.Create(text, XmlSettings);
    }

    // Errors met while reading a part, in the words a user can act on.
    public static SourceDataException Refusal(Exception e, string part) => e switch
    {
        SourceDataException known => known,
        XmlException x when x.Message.Contains("DTD", StringComparison.Ordinal) => new SourceDataException(
            SourceProblem.Unsafe,
            $"The workbook part '{part}' has a document type declaration; " +
            "DTDs are refused because their entities can expand without bound or read other files."),
        XmlException x => new SourceDataException(SourceProblem.Malformed,
            $"The workbook part '{part}' is not well-formed XML (line {x.LineNumber}): {x.Message}"),
        _ => new SourceDataException(SourceProblem.Malformed, $"The workbook part '{part}' is damaged: {e.Message}"),
    };

    private static string Megabytes(long bytes) =>
        bytes >= 1 << 20 ? $"{bytes / (1 << 20)} MB" : $"{(bytes + 1023) / 1024} KB";

    public void Dispose() => _zip.Dispose();

    private sealed class BoundedStream(Stream inner, long declared, string part) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => declared;
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            // Ask for one byte past the declared end, so that a part that keeps going is caught.
            var room = declared - _read + 1;
            var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, room)]);
            _read += n;
            if (_read > declared)
            {
                throw new SourceDataException(SourceProblem.Unsafe,
                    $"The workbook part '{part}' inflates to more than the {declared} bytes it declares: " +
                    "the file is damaged or a zip bomb. " +
                    "Reading stopped there.");
            }
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
