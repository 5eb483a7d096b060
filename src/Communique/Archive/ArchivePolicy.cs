using Communique.Tenancy;

namespace Communique.Archive;

// A team's archiving rule for one channel, or for every channel ("all") where no channel's own rule is set: whether
// its messages are archived, and how long their content is kept. With no rule, everything is archived and kept for
// ever.
public sealed class ArchivePolicy : ITeamOwned
{
    public const string AllChannels = "all";

    public Guid TeamId { get; set; }
    public required string Scope { get; set; }
    public bool Archive { get; set; } = true;

    // Both null: kept for ever.
    public int? RetentionYears { get; set; }
    public int? RetentionDays { get; set; }
    public DateTime UpdatedAt { get; set; }
    public Guid UpdatedBy { get; set; }

    public DateTime? RetainUntil(DateTime archivedAt) =>
        RetentionYears is null && RetentionDays is null
            ? null
            : archivedAt.AddYears(RetentionYears ?? 0).AddDays(RetentionDays ?? 0);
}
