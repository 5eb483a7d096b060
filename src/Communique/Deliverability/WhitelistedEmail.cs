using Communique.Tenancy;

namespace Communique.Deliverability;

// An address the team sends to even when it is unsubscribed or its domain is blacklisted (never past a hard bounce).
public sealed class WhitelistedEmail : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Address { get; set; }
    public DateTime CreatedAt { get; set; }
}
