using Communique.Tenancy;

namespace Communique.Campaigns;

// A send's numbers, kept up to date as things happen (the delivery job's batches, the tracking recorder, provider
// reports, unsubscribes), so that a report adds up a few rows however many messages the sends had.
public sealed class SendStats : ITeamOwned
{
    public Guid SendId { get; set; }
    public Guid TeamId { get; set; }
    public long Sent { get; set; }
    public long Failed { get; set; }
    public long SuppressedInvalid { get; set; }
    public long SuppressedHardBounce { get; set; }
    public long SuppressedUnsubscribed { get; set; }
    public long SuppressedBlacklisted { get; set; }
    public long Opens { get; set; }
    public long UniqueOpens { get; set; }
    public long MachineOpens { get; set; }
    public long Clicks { get; set; }
    public long UniqueClicks { get; set; }
    public long SoftBounces { get; set; }
    // Reported by a provider after the relay took the message (DSN 5.x.x).
    public long HardBounces { get; set; }

    // Refused by the relay with a 5xx (also counted in Failed).
    public long RefusedHard { get; set; }
    public long Complaints { get; set; }
    public long Unsubscribes { get; set; }
    public long Desktop { get; set; }
    public long Mobile { get; set; }
    public long Tablet { get; set; }
    public long OtherDevice { get; set; }
}
