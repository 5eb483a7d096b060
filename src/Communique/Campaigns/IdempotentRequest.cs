using Communique.Tenancy;

namespace Communique.Campaigns;

// The first answer to a request sent with an Idempotency-Key: the same key and body within 24 hours get it again and
// send nothing; the same key with another body is refused.
public sealed class IdempotentRequest : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Key { get; set; }
    public required byte[] RequestHash { get; set; }
    public int Status { get; set; }
    public required string Response { get; set; }
    public DateTime CreatedAt { get; set; }

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
}
