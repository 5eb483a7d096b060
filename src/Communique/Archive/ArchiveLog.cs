using Communique.Tenancy;

namespace Communique.Archive;

// A team's Merkle log: how many entries it holds and the root over them. Appends move it forward in the same unit of
// work as the entry and its nodes, so the log never holds a leaf without its entry or an entry without its leaf.
public sealed class ArchiveLog : ITeamOwned
{
    public Guid TeamId { get; set; }
    public long Size { get; set; }
    public required byte[] Root { get; set; }
    public DateTime UpdatedAt { get; set; }
}
