using Communique.Tenancy;

namespace Communique.Deliverability;

// A domain the team never sends to (lower case, e.g. "example.com"; its subdomains are not included).
public sealed class BlacklistedDomain : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Domain { get; set; }
    public DateTime CreatedAt { get; set; }
}
