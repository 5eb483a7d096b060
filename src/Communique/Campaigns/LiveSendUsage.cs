using Communique.Communications;
using Communique.Data;
using Communique.DataSources;
using Communique.Http;
using Microsoft.EntityFrameworkCore;

namespace Communique.Campaigns;

// A communication or data source that a scheduled, running or paused send still reads cannot be deleted.
public sealed class LiveSendUsage : ICommunicationUsage, IDataSourceUsage
{
    Task<string?> ICommunicationUsage.BlockingUseAsync(
        AppDb db, Guid communicationId, CancellationToken cancellationToken) =>
        ReasonAsync(db.CampaignSends.Where(s => s.CommunicationId == communicationId), "communication",
            cancellationToken);

    Task<string?> IDataSourceUsage.BlockingUseAsync(AppDb db, Guid dataSourceId, CancellationToken cancellationToken) =>
        ReasonAsync(db.CampaignSends.Where(s => s.DataSourceId == dataSourceId), "data source", cancellationToken);

    private static async Task<string?> ReasonAsync(
        IQueryable<CampaignSend> sends, string what, CancellationToken cancellationToken)
    {
        var live = await sends
            .Where(s => s.State == SendState.Scheduled || s.State == SendState.Sending || s.State == SendState.Paused)
            .Select(s => new { s.Id, s.State }).FirstOrDefaultAsync(cancellationToken);
        return live is null ? null
            : $"A campaign send that is {WireNames.Of(live.State)} uses this {what} (send {live.Id}); "
                + "cancel it or let it complete first.";
    }
}
