using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Communications;
using Communique.Data;
using Communique.Jobs;
using Communique.Sending;
using Microsoft.EntityFrameworkCore;

namespace Communique.Video;

// Renders one VideoRender: its MP4 and poster into the blob store, the row Ready with what was made. A render that
// ffmpeg refuses is final (the same plan and files fail the same way): the row is Failed with ffmpeg's reason and the
// job fails with it. Everything a render writes lies in its own temporary folder, removed whatever happens. A record's
// video goes through the archive hook, as the documents the product makes do.
public sealed class VideoRenderJob(AppDb db, IBlobStore blobs, VideoRenderer renderer, IMessageArchive archive)
    : IJobHandler
{
    public async Task EndedAsync(JobContext job, JobState state, string? failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var payload = JsonSerializer.Deserialize<VideoRenders.JobPayload>(job.Payload!, JsonSerializerOptions.Web)!;
        var render = await db.VideoRenders.FirstOrDefaultAsync(r => r.Id == payload.RenderId, cancellationToken);
        if (render is { State: VideoRenderState.Queued or VideoRenderState.Rendering })
        {
            Fail(render, failure ?? "The render job ended without a video.");
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var payload = JsonSerializer.Deserialize<VideoRenders.JobPayload>(job.Payload!, JsonSerializerOptions.Web)!;
        var render = await db.VideoRenders.FirstOrDefaultAsync(r => r.Id == payload.RenderId, cancellationToken);
        if (render is null or { State: VideoRenderState.Ready })
        {
            job.Result = "nothing to render";
            return;
        }

        render.State = VideoRenderState.Rendering;
        render.Error = null;
        await db.SaveChangesAsync(cancellationToken);
        var plan = JsonSerializer.Deserialize<VideoPlan>(render.Plan, VideoContents.Json)!;
        var assets = await AssetsAsync(db, plan, cancellationToken);
        var folder = Directory.CreateTempSubdirectory("communique-video-");
        try
        {
            var rendered = await renderer.RenderAsync(plan, render.RecordUuid is not null, assets, folder.FullName,
                cancellationToken);
            var video = await StoreAsync(render, rendered.VideoPath, cancellationToken);
            render.VideoHash = video.Hash;
            render.Length = video.Length;
            // A poster asked for before the video was drawn from the same plan: it stays.
            render.PosterHash ??= (await StoreAsync(render, rendered.PosterPath, cancellationToken)).Hash;
            render.DurationSeconds = rendered.Seconds;
            render.RenderMilliseconds = rendered.Milliseconds;
            // Archived before anyone can fetch it, as a message is before it is handed over.
            if (render.RecordUuid is not null)
            {
                await KeepAsync(job, render, rendered.VideoPath, cancellationToken);
            }

            render.State = VideoRenderState.Ready;
            render.CompletedAt = db.Now;
            await db.SaveChangesAsync(cancellationToken);

            job.Result = $"rendered {rendered.Seconds:0.###} s in {rendered.Milliseconds} ms";
        }
        catch (VideoRenderException e)
        {
            Fail(render, e.Message);
            await db.SaveChangesAsync(CancellationToken.None);
            throw new JobFailedException(e.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    // The blobs of the assets a plan names, by asset id (the assets of the render's team).
    public static async Task<Dictionary<Guid, string>> AssetsAsync(
        AppDb db, VideoPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(plan);
        var ids = plan.Scenes.SelectMany(s => new[] { s.Image, s.Video, s.Audio })
            .Concat(plan.Layers.Select(l => l.Image)).Append(plan.Audio)
            .OfType<Guid>().Distinct().ToList();
        return ids.Count == 0
            ? []
            : await db.Assets.AsNoTracking().Where(a => ids.Contains(a.Id))
                .ToDictionaryAsync(a => a.Id, a => a.Hash, cancellationToken);
    }

    private static void Fail(VideoRender render, string error)
    {
        render.State = VideoRenderState.Failed;
        render.Error = error.Length > 2000 ? error[..2000] : error;
        render.CompletedAt = null;
    }

    private async Task<BlobPutResult.Stored> StoreAsync(
        VideoRender render, string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        if (await blobs.PutAsync(file, long.MaxValue, cancellationToken) is not BlobPutResult.Stored stored)
        {
            throw new InvalidOperationException("The blob store refused a rendered file.");
        }

        db.AttachBlob(stored.Hash, BlobHolder.VideoRender, render.Id);
        return stored;
    }

    // The render is no message of a send: it is kept under the job that made it (its only message, so compressed
    // alone), with the render as its message.
    private async Task KeepAsync(JobContext job, VideoRender render, string path, CancellationToken cancellationToken)
    {
        if (archive.Keeps && await archive.KeepsAsync(render.TeamId, Channel.Video, cancellationToken))
        {
            var ids = new ArchivedMessage(render.TeamId, job.Id, render.Id, Channel.Video,
                render.RecordUuid?.ToString(), "video/mp4")
            {
                CommunicationId = render.CommunicationId, CommunicationVersion = render.Version,
                RecordUuid = render.RecordUuid, OneOfMany = true, Alone = true,
            };
            await archive.KeepAsync(ids, await File.ReadAllBytesAsync(path, cancellationToken), cancellationToken);
        }
    }
}
