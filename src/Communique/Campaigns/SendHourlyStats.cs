using Communique.Tenancy;

namespace Communique.Campaigns;

// Human opens and clicks of a send per UTC hour.
public sealed class SendHourlyStats : ITeamOwned
{
    public Guid SendId { get; set; }
    public Guid TeamId { get; set; }
    public DateTime Hour { get; set; }
    public long Opens { get; set; }
    public long Clicks { get; set; }
}
