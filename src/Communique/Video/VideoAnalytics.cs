using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Video;

// What viewers did with a video communication, from its player events. A session is one opening of a player page; it
// is a view once it played. How far a session watched is the furthest position its progress, pause, seek and
// complete events reached (a complete reaches the end), so a viewer who skipped ahead counts as far as they went.
public static class VideoAnalytics
{
    public const int CurvePoints = 21;

    private static readonly string[] Reaching = ["progress-25", "progress-50", "progress-75", "pause", "seek"];

    public sealed record Summary(
        int Impressions,
        int Views,
        int UniqueViewers,
        double AverageWatchedSeconds,
        double AverageWatchedFraction,
        double DurationSeconds,
        IReadOnlyList<double> DropOff,
        int CtaClicks,
        double CtaRate);

    public sealed record RecipientViewing(
        Guid Uuid, int Sessions, int Plays, double FurthestSeconds, bool Completed, int CtaClicks);

    private sealed record SessionRow(
        Guid Session, Guid Uuid, int Impressions, int Plays, int Ctas, int Completes, double Furthest);

    public static async Task<Summary> SummarizeAsync(
        AppDb db, Guid communicationId, double duration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var sessions = await db.VideoEvents.AsNoTracking().Where(e => e.CommunicationId == communicationId)
            .GroupBy(e => new { e.Session, e.RecordUuid })
            .Select(g => new SessionRow(g.Key.Session, g.Key.RecordUuid,
                g.Count(e => e.Kind == "impression"), g.Count(e => e.Kind == "play"), g.Count(e => e.Kind == "cta"),
                g.Count(e => e.Kind == "complete"),
                g.Max(e => Reaching.Contains(e.Kind) ? e.Position : 0.0)))
            .ToListAsync(cancellationToken);
        var viewing = sessions.Where(s => s.Plays > 0).ToList();
        var watched = viewing.Select(s => s.Completes > 0 ? duration : Math.Min(s.Furthest, duration)).ToList();
        var average = watched.Count == 0 ? 0 : watched.Average();
        var curve = Enumerable.Range(0, CurvePoints).Select(i => watched.Count == 0 ? 0
            : (double)watched.Count(w => w >= duration * i / (CurvePoints - 1) - 1e-9) / watched.Count).ToList();
        return new Summary(
            sessions.Count(s => s.Impressions > 0), viewing.Count, viewing.Select(s => s.Uuid).Distinct().Count(),
            Math.Round(average, 3), duration > 0 ? Math.Round(average / duration, 4) : 0, duration,
            [.. curve.Select(c => Math.Round(c, 4))], sessions.Sum(s => s.Ctas),
            viewing.Count == 0 ? 0 : Math.Round((double)sessions.Count(s => s.Ctas > 0) / viewing.Count, 4));
    }

    // The recipients in uuid order after `after`, or the one of `uuid`.
    public static async Task<List<RecipientViewing>> RecipientsAsync(
        AppDb db, Guid communicationId, double duration, Guid? uuid, Guid? after, int take,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var events = db.VideoEvents.AsNoTracking().Where(e => e.CommunicationId == communicationId);
        if (uuid is { } one)
        {
            events = events.Where(e => e.RecordUuid == one);
        }

        if (after is { } last)
        {
            events = events.Where(e => e.RecordUuid.CompareTo(last) > 0);
        }

        var rows = await events.GroupBy(e => e.RecordUuid)
            .Select(g => new
            {
                Uuid = g.Key, Sessions = g.Select(e => e.Session).Distinct().Count(),
                Plays = g.Count(e => e.Kind == "play"), Completes = g.Count(e => e.Kind == "complete"),
                Ctas = g.Count(e => e.Kind == "cta"),
                Furthest = g.Max(e => Reaching.Contains(e.Kind) ? e.Position : 0.0),
            })
            .OrderBy(r => r.Uuid).Take(take).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new RecipientViewing(r.Uuid, r.Sessions, r.Plays,
            r.Completes > 0 ? duration : Math.Min(r.Furthest, duration), r.Completes > 0, r.Ctas))];
    }
}
