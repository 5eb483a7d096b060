using Communique.Tenancy;

namespace Communique.Archive;

// A legal hold: while it is active, nothing it covers may be purged or deleted, whatever its retention date. It
// covers the entries it names (ArchiveHeldEntry rows) or, with a saved search, every entry that search finds, now or
// archived later.
public sealed class ArchiveHold : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Reason { get; set; }

    // The saved search (the query string of GET /archive/entries), or null for a hold by ids.
    public string? Search { get; set; }
    public DateTime SetAt { get; set; }
    public Guid SetBy { get; set; }
    public DateTime? ReleasedAt { get; set; }
    public Guid? ReleasedBy { get; set; }

    public bool IsActive => ReleasedAt is null;
}

// An entry named by a hold by ids.
public sealed class ArchiveHeldEntry : ITeamOwned
{
    public Guid TeamId { get; set; }
    public Guid HoldId { get; set; }
    public Guid EntryId { get; set; }
}
