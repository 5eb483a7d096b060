using System.ComponentModel.DataAnnotations;

namespace Communique.Archive;

public sealed class ArchiveOptions
{
    public const string Section = "Archive";

    // Whether messages and documents are archived as they leave.
    public bool Enabled { get; set; }

    // A team's log gets a new signed tree head when it has grown and its last head is at least this old.
    [Range(0, 24 * 3600)]
    public int TreeHeadSeconds { get; set; } = 60;

    // The largest content one entry may hold.
    [Range(1024, 1L << 32)]
    public long MaxEntryBytes { get; set; } = 64L << 20;
}
