using System.Globalization;
using System.Text;
using Communique.Auth;
using Communique.Campaigns;
using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Reporting;

// Reports per project, communication, campaign and send (Private API), added up from the sends' kept numbers
// (SendStats, SendHourlyStats), never from the messages or their events. Delivered: taken by the relay and not bounced
// (hard) afterwards. Opens and clicks are human ones; machine opens are reported apart. Devices count human opens and
// clicks. The time series has UTC hours with opens or clicks.
public static class ReportsApi
{
    public static RouteGroupBuilder MapReports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/reports").WithTags("Reports").WithGroupName("private").RequireTeamCaller()
            .RequireAccess(Area.Reporting, Access.View);
        group.MapGet("/sends/{id:guid}", (Guid id, AppDb db, CancellationToken ct) =>
            ReportAsync(db, "send", id, db.CampaignSends.Where(s => s.Id == id), ct))
            .WithSummary("The report of one send.");
        group.MapGet("/campaigns/{id:guid}", (Guid id, AppDb db, CancellationToken ct) =>
            ReportAsync(db, "campaign", id, db.CampaignSends.Where(s => s.CampaignId == id), ct,
                () => db.Campaigns.AnyAsync(c => c.Id == id, ct)))
            .WithSummary("The report of a campaign: every send under its name.");
        group.MapGet("/communications/{id:guid}", (Guid id, AppDb db, CancellationToken ct) =>
            ReportAsync(db, "communication", id, db.CampaignSends.Where(s => s.CommunicationId == id), ct,
                () => db.Communications.AnyAsync(c => c.Id == id, ct)))
            .WithSummary("The report of a communication: every send of it.");
        group.MapGet("/projects/{id:guid}", (Guid id, AppDb db, CancellationToken ct) =>
            ReportAsync(db, "project", id,
                db.CampaignSends.Where(s => db.Campaigns.Any(c => c.Id == s.CampaignId && c.ProjectId == id)), ct,
                () => db.Projects.AnyAsync(p => p.Id == id, ct)))
            .WithSummary("The report of a project: every send of its campaigns.");
        group.MapGet("/sends/{id:guid}/messages", ExportAsync)
            .WithSummary("One CSV row per message of a send: what happened to it.");
        return group;
    }

    private static async Task<Results<Ok<Report>, ProblemHttpResult>> ReportAsync(
        AppDb db, string scope, Guid id, IQueryable<CampaignSend> sends, CancellationToken cancellationToken,
        Func<Task<bool>>? exists = null)
    {
        var ids = await sends.Select(s => new { s.Id, s.RecordCount, s.CreatedAt }).ToListAsync(cancellationToken);
        if (exists is null ? ids.Count == 0 : !await exists())
        {
            return Problems.NotFound(scope);
        }

        var sendIds = ids.Select(s => s.Id).ToList();
        var rows = await db.SendStats.AsNoTracking().Where(s => sendIds.Contains(s.SendId))
            .ToListAsync(cancellationToken);
        long Sum(Func<SendStats, long> pick) => rows.Sum(pick);
        var hours = await db.SendHourlyStats.AsNoTracking().Where(h => sendIds.Contains(h.SendId))
            .GroupBy(h => h.Hour).Select(g =>
                new { Hour = g.Key, Opens = g.Sum(h => h.Opens), Clicks = g.Sum(h => h.Clicks) })
            .ToListAsync(cancellationToken);
        var suppressed = new SuppressedCounts(
            Sum(s => s.SuppressedInvalid + s.SuppressedHardBounce + s.SuppressedUnsubscribed + s.SuppressedBlacklisted),
            Sum(s => s.SuppressedInvalid), Sum(s => s.SuppressedHardBounce), Sum(s => s.SuppressedUnsubscribed),
            Sum(s => s.SuppressedBlacklisted));
        // Hard bounces: refused by the relay (never counted as sent) and reported later (subtracted from delivered).
        var sent = Sum(s => s.Sent);
        var video = await VideoAsync(db, sendIds, ids.Count == 0 ? default : ids.Min(s => s.CreatedAt),
            cancellationToken);
        var lateHard = Sum(s => s.HardBounces);
        return TypedResults.Ok(new Report(
            scope, id, ids.Count, ids.Sum(s => s.RecordCount), sent, sent - lateHard, Sum(s => s.Failed), suppressed,
            new TwoCounts(Sum(s => s.UniqueOpens), Sum(s => s.Opens)), Sum(s => s.MachineOpens),
            new TwoCounts(Sum(s => s.UniqueClicks), Sum(s => s.Clicks)),
            new BounceCounts(Sum(s => s.SoftBounces), Sum(s => s.HardBounces + s.RefusedHard)),
            Sum(s => s.Complaints), Sum(s => s.Unsubscribes),
            new DeviceCounts(Sum(s => s.Desktop), Sum(s => s.Mobile), Sum(s => s.Tablet), Sum(s => s.OtherDevice)),
            hours.OrderBy(h => h.Hour).Select(h =>
                new HourCounts(DateTime.SpecifyKind(h.Hour, DateTimeKind.Utc), h.Opens, h.Clicks)).ToList(), video));
    }

    // Player events are kept per record uuid and the messages of a send name theirs: a viewing counts for the sends
    // whose messages were made for that record, from the first send's creation on.
    private static async Task<VideoCounts> VideoAsync(
        AppDb db, List<Guid> sendIds, DateTime since, CancellationToken cancellationToken)
    {
        if (sendIds.Count == 0)
        {
            return new VideoCounts(0, 0, 0);
        }

        var events = db.VideoEvents.AsNoTracking().Where(e => e.At >= since
            && db.OutboundMessages.Any(m => sendIds.Contains(m.SendId) && m.RecordUuid == e.RecordUuid));
        var plays = events.Where(e => e.Kind == "play");
        return new VideoCounts(
            await plays.Select(e => e.Session).Distinct().LongCountAsync(cancellationToken),
            await plays.Select(e => e.RecordUuid).Distinct().LongCountAsync(cancellationToken),
            await events.Where(e => e.Kind == "cta").Select(e => e.Session).Distinct()
                .LongCountAsync(cancellationToken));
    }

    private static async Task<IResult> ExportAsync(
        Guid id, HttpContext context, AppDb db, CancellationToken cancellationToken)
    {
        var send = await db.CampaignSends.AsNoTracking().Where(s => s.Id == id)
            .Select(s => new { s.Id, s.DataSourceId, s.DataSourceGeneration })
            .FirstOrDefaultAsync(cancellationToken);
        if (send is null)
        {
            return Problems.NotFound("send");
        }

        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"send-{id}.csv\"";
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false));
        await writer.WriteLineAsync("unique_id,address,status,reason,created_at,sent_at,opened_at,clicked_at,bounce,"
            + "bounce_detail,complained_at,unsubscribed_at,smtp_reply");
        var rows = db.OutboundMessages.AsNoTracking().Where(m => m.SendId == id).OrderBy(m => m.Position)
            .GroupJoin(db.DataRecords.Where(r => r.DataSourceId == send.DataSourceId
                && r.Generation == send.DataSourceGeneration),
                m => m.Position, r => r.Position, (m, r) => new { m, r })
            .SelectMany(x => x.r.DefaultIfEmpty(), (x, r) => new { x.m, Key = r == null ? null : r.Key });
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var m = row.m;
            await writer.WriteLineAsync(string.Join(',',
                Csv(row.Key ?? m.RecordUuid?.ToString() ?? m.Position.ToString(CultureInfo.InvariantCulture)),
                Csv(m.Address), WireNames.Of(m.State), Csv(m.SuppressionReason ?? ""), Time(m.CreatedAt),
                Time(m.SentAt), Time(m.OpenedAt), Time(m.ClickedAt), m.Bounce ?? "",
                Csv(m.BounceDetail ?? ""), Time(m.ComplainedAt), Time(m.UnsubscribedAt), Csv(m.LastReply ?? "")));
        }

        return Results.Empty;
    }

    private static string Time(DateTime? at) =>
        at is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture) : "";

    // RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so that spreadsheets do not run it as a formula.
    public static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }
}
