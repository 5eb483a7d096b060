using Communique.Campaigns;
using Communique.Data;
using Communique.Sending;
using Microsoft.EntityFrameworkCore;

namespace Communique.Push;

// A push service said a subscription no longer exists (the user revoked permission, the app was removed): it is
// deleted, with its attributes, in the transaction that saves the message's outcome.
public sealed class PushRefusals : IChannelRefusals
{
    public async Task RecordAsync(AppDb db, IReadOnlyList<OutboundMessage> refused, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(refused);
        foreach (var team in refused.GroupBy(m => m.TeamId))
        {
            var ids = team.Select(m => m.SubscriptionId).OfType<Guid>().ToList();
            await db.PushSubscriptions.IgnoreQueryFilters().Where(s => s.TeamId == team.Key && ids.Contains(s.Id))
                .ExecuteDeleteAsync(cancellationToken);
        }
    }
}
