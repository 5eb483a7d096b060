using Communique.Tenancy;

namespace Communique.Deliverability;

// A team's delivered messages and hard bounces per UTC day: what the bounce-rate guard (and, later, reports) read
// instead of counting messages. Incremented with an upsert, so concurrent sends of one team never lose a count.
public sealed class TeamDailyStats : ITeamOwned
{
    public Guid TeamId { get; set; }
    public DateOnly Day { get; set; }
    public long Sent { get; set; }
    public long HardBounces { get; set; }
}
