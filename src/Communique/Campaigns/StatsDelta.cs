namespace Communique.Campaigns;

// Increments of a send's numbers; zero fields change nothing.
public sealed record StatsDelta
{
    public long Sent { get; init; }
    public long Failed { get; init; }
    public long SuppressedInvalid { get; init; }
    public long SuppressedHardBounce { get; init; }
    public long SuppressedUnsubscribed { get; init; }
    public long SuppressedBlacklisted { get; init; }
    public long Opens { get; init; }
    public long UniqueOpens { get; init; }
    public long MachineOpens { get; init; }
    public long Clicks { get; init; }
    public long UniqueClicks { get; init; }
    public long SoftBounces { get; init; }
    public long HardBounces { get; init; }
    public long RefusedHard { get; init; }
    public long Complaints { get; init; }
    public long Unsubscribes { get; init; }
    public long Desktop { get; init; }
    public long Mobile { get; init; }
    public long Tablet { get; init; }
    public long OtherDevice { get; init; }
}
