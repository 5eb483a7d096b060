using Communique.Tenancy;

namespace Communique.Archive;

// The hash of one complete subtree of a team's Merkle log (level 0: a leaf), kept so that roots and proofs take a
// handful of reads however long the log is.
public sealed class ArchiveNode : ITeamOwned
{
    public Guid TeamId { get; set; }
    public int Level { get; set; }
    public long Index { get; set; }
    public required byte[] Hash { get; set; }
}
