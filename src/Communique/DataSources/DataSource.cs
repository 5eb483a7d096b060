using Communique.DataSources.Import;
using Communique.Tenancy;

namespace Communique.DataSources;

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
