using Communique.Tenancy;

namespace Communique.Deliverability;

// Why an address is on a team's unsubscribed list.
public enum UnsubscribeReason
{
    // Added by the team through the API.
    Manual,

    // The recipient used an unsubscribe link, the one-click POST or the mailto address.
    Recipient,

    // A hard bounce reported about one of the team's messages: the team does not send to the address again, even when
    // it whitelisted it (reports from the team's own provider stop only the team's mail; the global list holds what
    // the platform itself saw).
    HardBounce,

    // The recipient reported a message as spam.
    Complaint,
}

// An address the team must not email: in one unsubscribe category, or in all of them (Category null). Addresses are
// kept lower-case; the category as the communication names it.
public sealed class Unsubscribe : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Address { get; set; }
    public string? Category { get; set; }
    public UnsubscribeReason Reason { get; set; }
    public Guid? LastCommunicationId { get; set; }
    public Guid? MessageId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public bool IsEditable => Reason is UnsubscribeReason.Manual or UnsubscribeReason.Recipient;
}

// A domain the team never sends to (lower case, e.g. "example.com"; its subdomains are not included).
public sealed class BlacklistedDomain : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Domain { get; set; }
    public DateTime CreatedAt { get; set; }
}

// An address the team sends to even when it is unsubscribed or its domain is blacklisted (never past a hard bounce).
public sealed class WhitelistedEmail : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Address { get; set; }
    public DateTime CreatedAt { get; set; }
}

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
