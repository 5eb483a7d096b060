namespace Communique.DataSources.Import;

// Bounds that keep one hostile or broken file from taking the memory or CPU of the host.
// The upload size limit is enforced before the engine sees the file.
public sealed record ImportLimits
{
    public static ImportLimits Default { get; } = new();

    public int MaxFields { get; init; } = 1_000;

    public int MaxFieldNameLength { get; init; } = 256;

    // One record (a CSV row, a JSON object, an XML record element) in characters or bytes; a CSV
    // quote that is never closed would otherwise pull the rest of the file into one record.
    public int MaxRecordSize { get; init; } = 16 * 1024 * 1024;

    // JSON objects and arrays, XML elements.
    public int MaxDepth { get; init; } = 64;

    public int MaxZipEntries { get; init; } = 10_000;

    // Uncompressed bytes of one XLSX part, as declared and as actually read.
    public long MaxXlsxPartBytes { get; init; } = 1L << 30;

    public long MaxXlsxTotalBytes { get; init; } = 2L << 30;

    // Spreadsheet XML deflates 5-20:1; a zip bomb deflates about 1000:1.
    public int MaxCompressionRatio { get; init; } = 100;

    // Parts smaller than this may have any ratio: they cannot hurt.
    public long CompressionRatioFloorBytes { get; init; } = 1L << 20;
}
