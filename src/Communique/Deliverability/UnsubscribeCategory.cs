using Communique.Tenancy;

namespace Communique.Deliverability;

// A kind of email a recipient can stop receiving on its own (e.g. Offers, Newsletter). An email communication names
// one in its unsubscribeCategory (General when it names none); the unsubscribe page offers the team's categories.
public sealed class UnsubscribeCategory : ITeamOwned
{
    public const string Default = "General";

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public DateTime CreatedAt { get; set; }
}
