using Communique.Campaigns;
using Communique.Data;

namespace Communique.Sending;

// What a channel does with addresses its transport refused for good, in the transaction that saves their outcomes. A
// channel without one treats them as email does: hard bounces, on the global list and counted by the bounce-rate
// guard. Push removes the subscriptions its push services said no longer exist.
public interface IChannelRefusals
{
    Task RecordAsync(AppDb db, IReadOnlyList<OutboundMessage> refused, CancellationToken cancellationToken);
}
