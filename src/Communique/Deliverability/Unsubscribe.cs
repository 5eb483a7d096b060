using Communique.Tenancy;

namespace Communique.Deliverability;

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
