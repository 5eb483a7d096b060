using Communique.Tenancy;

namespace Communique.Senders;

// An address a team may send from, once someone proved they read its mailbox. The address is kept exactly as given:
// only that spelling may send.
public sealed class Sender : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Address { get; set; }
    public DateTime? VerifiedAt { get; set; }

    // The keyed hash of the link's token; the token itself exists only in the email.
    public byte[]? TokenHash { get; set; }
    public DateTime? TokenExpiresAt { get; set; }
    public DateTime? LastSentAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(24);

    public SenderStatus StatusAt(DateTime now) =>
        VerifiedAt is not null ? SenderStatus.Verified
        : TokenExpiresAt is null || TokenExpiresAt > now ? SenderStatus.Pending
        : SenderStatus.Expired;
}
