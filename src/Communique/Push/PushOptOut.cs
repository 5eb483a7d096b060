using Communique.Tenancy;

namespace Communique.Push;

// A user who asked for no more push messages from the team: their subscriptions stay (they may opt in again) and
// every message to them is suppressed.
public sealed class PushOptOut : ITeamOwned
{
    public Guid TeamId { get; set; }
    public required string UserId { get; set; }
    public DateTime CreatedAt { get; set; }
}
