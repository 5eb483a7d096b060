using Communique.Tenancy;

namespace Communique.Campaigns;

// Where the team stands, and what happened: one row per team, changed by the bounce-rate guard and by operators.
public sealed class TeamSending : ITeamOwned
{
    public Guid TeamId { get; set; }
    public SendingState State { get; set; }
    public double Rate { get; set; }
    public DateTime? WarnedAt { get; set; }
    public DateTime? SuspendedAt { get; set; }
    public DateTime? LiftedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
