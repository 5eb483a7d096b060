using Communique.Tenancy;

namespace Communique.Push;

// One attribute of one subscription (a tag: name and value), indexed by name and value, so that a segment of a
// million subscriptions is read from the index rather than by parsing each one's JSON.
public sealed class PushTag : ITeamOwned
{
    public const int MaxNameLength = 64;
    public const int MaxValueLength = 200;

    public Guid TeamId { get; set; }
    public required string Name { get; set; }
    public required string Value { get; set; }
    public Guid SubscriptionId { get; set; }
}
