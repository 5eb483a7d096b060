using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Communique.Data;
using Communique.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Communique.Video;

// The bookkeeping of renders: the one render of a cache key, made and queued (a `video-render` job) the first time it
// is asked for. A version's shared background is keyed by the version; a record's video by the version and the plan
// made from the record's data, so it is made again only when what it shows changes.
public static class VideoRenders
{
    public const string JobKind = "video-render";

    public sealed record JobPayload(Guid RenderId);

    public static string BackgroundKey(VideoTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Hash($"background\n{template.CommunicationId:N}\n{template.Version}");
    }

    public static string RecordKey(VideoTemplate template, VideoPlan plan)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Hash($"record\n{template.CommunicationId:N}\n{template.Version}\n"
            + JsonSerializer.Serialize(plan, VideoContents.Json));
    }

    // The background's plan: the scenes and the audio, without anything drawn over them.
    public static VideoPlan Background(VideoPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan with { Layers = [], Captions = [], Ctas = [] };
    }

    // The render of the template's shared background (recordUuid null) or of a record's video, queued when new. A
    // failed render is tried again when asked for again (its failure may have been the machine's, not the plan's);
    // a row that holds only a poster is queued the first time its video is asked for.
    public static async Task<VideoRender> EnsureAsync(
        AppDb db, VideoTemplate template, VideoPlan plan, Guid? recordUuid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(template);
        var key = recordUuid is null ? BackgroundKey(template) : RecordKey(template, plan);
        var drawn = recordUuid is null ? Background(plan) : plan;
        for (var attempt = 0; ; attempt++)
        {
            var render = await db.VideoRenders.FirstOrDefaultAsync(r => r.CacheKey == key, cancellationToken);
            if (render is { State: not (VideoRenderState.Failed or VideoRenderState.PosterOnly) })
            {
                return render;
            }

            if (render is not null)
            {
                render.State = VideoRenderState.Queued;
                render.Error = null;
                render.CompletedAt = null;
            }
            else
            {
                render = new VideoRender
                {
                    TeamId = template.TeamId, CommunicationId = template.CommunicationId, Version = template.Version,
                    RecordUuid = recordUuid, CacheKey = key, State = VideoRenderState.Queued,
                    Plan = JsonSerializer.Serialize(drawn, VideoContents.Json), CreatedAt = db.Now,
                };
                db.VideoRenders.Add(render);
            }

            var job = db.EnqueueJob(JobKind, new JobPayload(render.Id), maxAttempts: 2);
            job.TeamId = template.TeamId;
            if (await db.SaveUniqueAsync(cancellationToken))
            {
                return render;
            }

            // Another request made the same render meanwhile: use that one.
            db.ChangeTracker.Clear();
            if (attempt > 0)
            {
                throw new InvalidOperationException($"The render {key} could not be made or found.");
            }
        }
    }

    // The template's shared background, from a plan made without a record: its scenes and audio do not depend on one.
    public static async Task<VideoRender?> EnsureBackgroundAsync(
        AppDb db, VideoPlanner planner, VideoTemplate template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(planner);
        var options = new Rendering.RenderOptions
        {
            Culture = System.Globalization.CultureInfo.InvariantCulture, IgnoreMissingFields = true,
            MaxOutputChars = 16 * 1024,
        };
        var (plan, _) = await planner.PlanAsync(
            template, new Dictionary<string, object?>(), options, cancellationToken);
        return plan is null ? null : await EnsureAsync(db, template, plan, null, cancellationToken);
    }

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
