using System.ComponentModel.DataAnnotations;

namespace Communique.DataSources;

public sealed class DataSourceOptions
{
    public const string Section = "DataSources";

    [Range(1, 100L * 1024 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 1024L * 1024 * 1024;

    // Uploads up to this size are imported within the request (201 or 400); larger ones run as a job (202).
    [Range(0, 1024L * 1024 * 1024)]
    public long InlineImportBytes { get; set; } = 8L * 1024 * 1024;

    [Range(100, 1_000_000)]
    public int BatchSize { get; set; } = 5000;
}
