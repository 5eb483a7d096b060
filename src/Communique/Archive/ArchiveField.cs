using Communique.Tenancy;

namespace Communique.Archive;

// One top-level field of an entry's metadata (a string, number or boolean, as text), indexed so that a search by
// metadata field is an index lookup.
public sealed class ArchiveField : ITeamOwned
{
    public Guid TeamId { get; set; }
    public Guid EntryId { get; set; }
    public required string Name { get; set; }
    public required string Value { get; set; }
}
