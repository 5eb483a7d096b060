using System.ComponentModel.DataAnnotations;
using Communique.DataSources.Import;
using Communique.Tenancy;

namespace Communique.DataSources;

public enum DataSourceStatus
{
    Importing,
    Ready,
    Failed,
}

// Recipient data: a schema (JSON) and records in DataRecords. Records of the current generation
// with Position < RecordCount are visible; an import writes beyond that and only then moves the mark,
// so a failed or cancelled import leaves nothing half-imported in view.
public sealed class DataSource : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Name { get; set; }
    public SourceFormat Format { get; set; }

    // The data standard: a culture name such as en-US or de-DE.
    public required string Locale { get; set; }
    public string? UniqueField { get; set; }
    public DataSourceStatus Status { get; set; }
    public required string Schema { get; set; }
    public int Generation { get; set; }
    public long RecordCount { get; set; }

    // The outcome of the latest import: duplicates of the unique identifier, or why it failed.
    public string? LastImport { get; set; }
    public Guid? ImportJobId { get; set; }

    // Not stored: whether ImportJobId is still queued or running, as last looked up.
    public bool ImportAlive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

// One record. Values is a JSON array in schema order (raw text as imported; repeaters as arrays of arrays),
// so renaming or retyping a field changes the schema only, never a million rows.
public sealed class DataRecord : ITeamOwned
{
    public Guid TeamId { get; set; }
    public Guid DataSourceId { get; set; }
    public int Generation { get; set; }
    public long Position { get; set; }

    // The system uuid: kept across replacements for records whose unique identifier is unchanged.
    public Guid Uuid { get; set; }
    public string? Key { get; set; }
    public required string Values { get; set; }
}

public sealed record FieldSchema(
    string Name,
    string Type,
    bool Hidden = false,
    int? DecimalPlaces = null,
    string? DecimalSeparator = null,
    string? ThousandsSeparator = null,
    string? DateFormat = null,
    IReadOnlyList<FieldSchema>? Items = null,
    string? Source = null)
{
    // The column name in the imported file; a renamed field still matches its column on append or replace.
    public string SourceName => Source ?? Name;
}

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
