using System.ComponentModel.DataAnnotations;

namespace Communique.Archive;

public sealed class ArchiveOptions
{
    public const string Section = "Archive";

    // Whether this server archives messages and documents as they leave (each team's policy then decides per
    // channel; with no policy, a team's messages are archived).
    public bool Enabled { get; set; } = true;

    // A team's log gets a new signed tree head when it has grown and its last head is at least this old.
    [Range(0, 24 * 3600)]
    public int TreeHeadSeconds { get; set; } = 60;

    // The largest content one entry may hold.
    [Range(1024, 1L << 32)]
    public long MaxEntryBytes { get; set; } = 64L << 20;

    // The most entries one export may hold, and how long its zip is kept for download.
    [Range(1, 10_000_000)]
    public int MaxExportEntries { get; set; } = 100_000;

    [Range(1, 24 * 30)]
    public int ExportHours { get; set; } = 24;

    // Entries a verify reads in one query and checks as one batch.
    [Range(1, 100_000)]
    public int VerifyBatch { get; set; } = 1000;
}
