using Communique.Campaigns;

namespace Communique.Sending;

// What one run of the delivery loop delivers: one bulk send, or a team's transactional calls. The source claims the
// due messages and finishes with them; the loop does the rest.
public interface IDeliverySource
{
    Guid TeamId { get; }

    // The next due messages, marked sending; none when nothing is due; null when the loop must stop claiming (the
    // send was paused or cancelled, the team is suspended).
    Task<ClaimedBatch?> ClaimAsync(CancellationToken cancellationToken);

    // In the transaction that saves a group of outcomes (saved may be empty when ended outside one). Ended: nothing is
    // left to claim and nothing is in flight.
    Task SavingAsync(List<OutboundMessage> saved, bool ended, CancellationToken cancellationToken);

    // After the group's commit.
    Task SavedAsync(int count, CancellationToken cancellationToken);
}
