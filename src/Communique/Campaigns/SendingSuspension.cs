using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Campaigns;

// What a suspended team meets when it sends: new sends are refused and running sends pause. The bounce-rate guard
// (Deliverability) decides the state; the rate and window that suspend are here because the refusal quotes them.
public static class SendingSuspension
{
    public const int WindowDays = 7;
    public const double SuspendAt = 0.04;

    public static async Task<bool> IsSuspendedAsync(AppDb db, Guid team, CancellationToken cancellationToken) =>
        await db.TeamSendings.IgnoreQueryFilters()
            .AnyAsync(s => s.TeamId == team && s.State == SendingState.Suspended, cancellationToken);

    public static ProblemHttpResult Suspended() => TypedResults.Problem(
        $"Sending is suspended for this team: its hard-bounce rate reached {SuspendAt:P0} over the last {WindowDays} "
        + "days. Clean the recipient lists, then ask an operator to lift the suspension. GET /sending-status shows the "
        + "figures.",
        statusCode: 403, title: "Sending suspended", type: ProblemTypes.SendingSuspended);
}
