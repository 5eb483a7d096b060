using System.ComponentModel.DataAnnotations;

namespace Communique.Archive;

public sealed class ArchiveOptions
{
    public const string Section = "Archive";

    // Whether messages and documents are archived as they leave.
    public bool Enabled { get; set; }

    // The largest content one entry may hold.
    [Range(1024, 1L << 32)]
    public long MaxEntryBytes { get; set; } = 64L << 20;
}
