using Communique.Data;
using Communique.DataSources;
using Communique.Rendering;
using Communique.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Communique.Video;

// What one recipient's video address opens: the link of /v/{key}/, the communication's current template, the record
// of the uuid and the plan made from it. Entering the link's team scopes every later lookup of the request to it, so
// a uuid of another team is no record here.
public sealed record VideoView(VideoLink Link, VideoTemplate Template, LookedUpRecord Record, VideoPlan Plan);

public static class VideoViews
{
    // Null when the key, the communication or the record is unknown, or the plan failed (Failure says why; it is the
    // team's to read, not the viewer's).
    public static async Task<(VideoView? View, string? Failure)> OpenAsync(
        AppDb db, TenantContext tenant, VideoTemplates templates, VideoPlanner planner, string key, Guid uuid,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(planner);
        if (key.Length is 0 or > 32)
        {
            return (null, null);
        }

        var link = await db.VideoLinks.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(l => l.Key == key, cancellationToken);
        if (link is null)
        {
            return (null, null);
        }

        tenant.EnterTeam(link.TeamId);
        var template = await templates.CurrentAsync(db, link.CommunicationId, cancellationToken);
        var record = template is null ? null : await VideoRecords.FindAsync(db, uuid, cancellationToken);
        if (template is null || record is null)
        {
            return (null, null);
        }

        var (plan, failure) = await PlanAsync(planner, template, record, cancellationToken);
        return plan is null ? (null, failure) : (new VideoView(link, template, record, plan), null);
    }

    // A record's plan as its player and its renders see it: one way of planning, so that a render made ahead of time
    // for a campaign has the cache key that opening the record's address asks for.
    public static Task<(VideoPlan? Plan, string? Failure)> PlanAsync(
        VideoPlanner planner, VideoTemplate template, LookedUpRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(planner);
        ArgumentNullException.ThrowIfNull(record);
        RecordLookup.TryCulture(record.Locale, out var culture);
        var options = new RenderOptions
        {
            Culture = culture, FieldFormats = record.Formats, IgnoreMissingFields = true, MaxOutputChars = 16 * 1024,
        };
        return planner.PlanAsync(template, record.Values, options, cancellationToken);
    }
}
