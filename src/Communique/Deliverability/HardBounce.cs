namespace Communique.Deliverability;

// The global hard-bounce list, shared by every account: a mailbox that does not exist for one sender does not exist
// for another. It holds only what the platform itself saw — the relay's 5xx answers to our own SMTP sessions and the
// DSNs in the installation's bounce mailbox — never a tenant's report, so no tenant can stop another's mail or put
// its own text in front of another. Only operators remove addresses from it.
public sealed class HardBounce
{
    public required string Address { get; set; }
    public required string Detail { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastBouncedAt { get; set; }
    public int Count { get; set; }
}
