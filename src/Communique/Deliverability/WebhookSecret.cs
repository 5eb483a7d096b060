using Communique.Tenancy;

namespace Communique.Deliverability;

// The key a team's mail provider signs its reports with (HMAC-SHA256). Kept sealed under the master key, because
// checking a signature needs the key itself, not a hash of it; shown once, when it is made.
public sealed class WebhookSecret : ITeamOwned
{
    public Guid TeamId { get; set; }
    public required byte[] SealedSecret { get; set; }
    public DateTime CreatedAt { get; set; }
}
