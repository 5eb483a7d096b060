namespace Communique.DataSources.Import;

// Reads a data source one record at a time: memory holds one record (and, for XLSX, the
// workbook's shared strings), never the file. Throws SourceDataException, naming the line or
// offset, on anything it cannot import. The caller owns the stream and disposes it.
//
// The methods run once per value or per row of an import are marked AggressiveOptimization: compiled optimised on
// their first call, without the instrumented tier dynamic PGO passes hot code through. An import runs long but
// usually in a process that has not run one before, and on two cores the rounds of recompiling cost more than PGO
// gains here (docs/benchmarks.md has the measurements).
public abstract class SourceReader : IDisposable
{
    private bool _reading;

    private protected SourceReader(ImportLimits limits) => Limits = limits;

    private protected ImportLimits Limits { get; }

    // Complete once the reader is open for CSV and XLSX (the header row); for JSON and XML it
    // grows while records are read, and is complete when ReadRecords has finished.
    public abstract SourceFieldSet Fields { get; }

    // The standard decides how numbers from typed formats (JSON numbers, XLSX numeric cells) are
    // written, so that every value of a source is parsed by the same rules. XLSX needs a
    // seekable stream.
    public static SourceReader Open(
        Stream stream, SourceFormat format, DataStandard standard, ImportLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(standard);
        limits ??= ImportLimits.Default;
        return format switch
        {
            SourceFormat.Csv => new CsvSourceReader(stream, limits),
            SourceFormat.Json => new JsonSourceReader(stream, standard, limits),
            SourceFormat.Xml => new XmlSourceReader(stream, limits),
            SourceFormat.Xlsx => new XlsxSourceReader(stream, standard, limits),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }

    // The records in file order; can be enumerated once.
    public IEnumerable<SourceRecord> ReadRecords(CancellationToken cancellationToken = default)
    {
        if (_reading)
        {
            throw new InvalidOperationException("The records of a source can be read once.");
        }
        _reading = true;
        return Read(cancellationToken);
    }

    private protected abstract IEnumerable<SourceRecord> Read(CancellationToken cancellationToken);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
