using Communique.Auth;
using Communique.Campaigns;
using Communique.Data;
using Communique.Http;
using Communique.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Deliverability;

// The bounce-rate guard. Over the team's last WindowDays UTC days (today included), hard bounces — synchronous 5xx
// and DSN 5.x.x — divided by messages delivered to a relay: at WarnAt the team's administrators get an email and the
// state turns `warned`; at SuspendAt the state turns `suspended`: new sends are refused with their own problem type,
// running sends pause at their next batch, until an operator lifts it (`communique sending lift <team>`). No verdict
// before MinimumSent messages in the window: one bounce in the first ten would otherwise stop a new team. A lifted
// team is judged again only on what it sends after the lift.
public static class BounceGuard
{
    public const int WindowDays = SendingSuspension.WindowDays;
    public const double WarnAt = 0.02;
    public const double SuspendAt = SendingSuspension.SuspendAt;
    public const long MinimumSent = 200;

    // Called in the transaction that saves the outcomes it counts: the guard sees saved outcomes only.
    public static async Task CountAsync(
        AppDb db, Guid team, long sent, long hardBounces, CancellationToken cancellationToken)
    {
        if (sent == 0 && hardBounces == 0)
        {
            return;
        }

        var day = DateOnly.FromDateTime(db.Now);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "TeamDailyStats" ("TeamId", "Day", "Sent", "HardBounces")
            VALUES ({team}, {day}, {sent}, {hardBounces})
            ON CONFLICT ("TeamId", "Day") DO UPDATE SET "Sent" = "TeamDailyStats"."Sent" + excluded."Sent",
                "HardBounces" = "TeamDailyStats"."HardBounces" + excluded."HardBounces"
            """, cancellationToken);
    }

    // Judges the team on its window; warns or suspends when a threshold is crossed. Returns the state.
    public static async Task<SendingState> JudgeAsync(AppDb db, Guid team, CancellationToken cancellationToken)
    {
        var status = await db.TeamSendings.IgnoreQueryFilters()
            .FirstOrDefaultAsync(s => s.TeamId == team, cancellationToken);
        var (sent, bounced) = await WindowAsync(db, team, status?.LiftedAt, cancellationToken);
        var rate = sent == 0 ? 0 : (double)bounced / sent;
        if (status is null)
        {
            status = new TeamSending { TeamId = team, State = SendingState.Ok };
            db.TeamSendings.Add(status);
        }

        status.Rate = rate;
        status.UpdatedAt = db.Now;
        if (status.State != SendingState.Suspended && sent >= MinimumSent)
        {
            if (rate >= SuspendAt)
            {
                status.State = SendingState.Suspended;
                status.SuspendedAt = db.Now;
                db.EnqueueJob(BounceAlertJob.Kind, new BounceAlertJob.Payload(team, SendingState.Suspended, rate))
                    .TeamId = team;
            }
            else if (rate >= WarnAt && status.State == SendingState.Ok)
            {
                status.State = SendingState.Warned;
                status.WarnedAt = db.Now;
                db.EnqueueJob(BounceAlertJob.Kind, new BounceAlertJob.Payload(team, SendingState.Warned, rate))
                    .TeamId = team;
            }
            else if (rate < WarnAt && status.State == SendingState.Warned)
            {
                status.State = SendingState.Ok;
            }
        }

        await db.SaveChangesAcrossTeamsAsync(cancellationToken);
        return status.State;
    }

    private static async Task<(long Sent, long Bounced)> WindowAsync(
        AppDb db, Guid team, DateTime? liftedAt, CancellationToken cancellationToken)
    {
        var from = DateOnly.FromDateTime(db.Now).AddDays(1 - WindowDays);
        if (liftedAt is { } lifted && DateOnly.FromDateTime(lifted) > from)
        {
            from = DateOnly.FromDateTime(lifted);
        }

        var rows = await db.TeamDailyStats.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.TeamId == team && s.Day >= from)
            .Select(s => new { s.Sent, s.HardBounces }).ToListAsync(cancellationToken);
        return (rows.Sum(r => r.Sent), rows.Sum(r => r.HardBounces));
    }

    // Operators only: the team may send again; the window starts afresh from today.
    public static async Task<bool> LiftAsync(AppDb db, Guid team, CancellationToken cancellationToken)
    {
        var status = await db.TeamSendings.IgnoreQueryFilters()
            .FirstOrDefaultAsync(s => s.TeamId == team, cancellationToken);
        if (status is not { State: SendingState.Suspended })
        {
            return false;
        }

        status.State = SendingState.Ok;
        status.LiftedAt = db.Now;
        status.UpdatedAt = db.Now;
        await db.TeamDailyStats.IgnoreQueryFilters()
            .Where(s => s.TeamId == team && s.Day == DateOnly.FromDateTime(db.Now))
            .ExecuteDeleteAsync(cancellationToken);
        await db.SaveChangesAcrossTeamsAsync(cancellationToken);
        return true;
    }

    public static RouteGroupBuilder MapSendingStatus(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sending-status").WithTags("Sending status").WithGroupName("private")
            .RequireTeamCaller();
        group.MapGet("", Status).RequireAccess(Area.Campaigns, Access.View)
            .WithSummary("The team's hard-bounce rate over the guard's window, and whether it is warned or suspended.");
        return group;
    }

    private static async Task<Ok<SendingStatusResponse>> Status(AppDb db, CancellationToken cancellationToken)
    {
        var team = db.Tenant.TeamId;
        var status = await db.TeamSendings.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        var (sent, bounced) = await WindowAsync(db, team, status?.LiftedAt, cancellationToken);
        return TypedResults.Ok(new SendingStatusResponse(
            WireNames.Of(status?.State ?? SendingState.Ok), sent == 0 ? 0 : Math.Round((double)bounced / sent, 4),
            sent, bounced, WindowDays, WarnAt, SuspendAt, MinimumSent,
            status?.WarnedAt, status?.SuspendedAt, status?.LiftedAt));
    }
}
