using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Video;

// A record's poster: drawn the first time it is asked for (without rendering the video) and kept in the blob store,
// named by the row of the record's render, which a poster alone makes as PosterOnly. The same plan always gives the
// same row, so a later request, or the video's own render, finds the poster there.
public static class VideoPosters
{
    public sealed record Poster(string Hash, byte[]? Drawn);

    public static async Task<Poster> EnsureAsync(
        AppDb db, IBlobStore blobs, VideoRenderer renderer, VideoView view, Guid uuid,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(renderer);
        ArgumentNullException.ThrowIfNull(view);
        var key = VideoRenders.RecordKey(view.Template, view.Plan);
        var row = await db.VideoRenders.AsNoTracking().Where(r => r.CacheKey == key)
            .Select(r => new { r.Id, r.PosterHash }).FirstOrDefaultAsync(cancellationToken);
        if (row?.PosterHash is { } kept && await blobs.ExistsAsync(kept, cancellationToken))
        {
            return new Poster(kept, null);
        }

        var assets = await VideoRenderJob.AssetsAsync(db, view.Plan, cancellationToken);
        var jpeg = await renderer.PosterAsync(view.Plan, assets, cancellationToken);
        var stored = (BlobPutResult.Stored)await blobs.PutAsync(new MemoryStream(jpeg), long.MaxValue,
            cancellationToken);
        if (row is not null)
        {
            var named = await db.VideoRenders.Where(r => r.Id == row.Id && r.PosterHash == null)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.PosterHash, stored.Hash), cancellationToken);
            if (named == 1)
            {
                db.AttachBlob(stored.Hash, BlobHolder.VideoRender, row.Id);
                await db.SaveChangesAsync(cancellationToken);
            }

            return new Poster(stored.Hash, jpeg);
        }

        var render = new VideoRender
        {
            TeamId = view.Template.TeamId, CommunicationId = view.Template.CommunicationId,
            Version = view.Template.Version, RecordUuid = uuid,
            CacheKey = key, State = VideoRenderState.PosterOnly, PosterHash = stored.Hash,
            Plan = JsonSerializer.Serialize(view.Plan, VideoContents.Json), CreatedAt = db.Now,
        };
        db.VideoRenders.Add(render);
        db.AttachBlob(stored.Hash, BlobHolder.VideoRender, render.Id);
        if (!await db.SaveUniqueAsync(cancellationToken))
        {
            // Another request drew it meanwhile: theirs is kept, and these bytes serve this one.
            db.ChangeTracker.Clear();
            await db.DeleteUnreferencedBlobsAsync(blobs, [stored.Hash], cancellationToken);
        }

        return new Poster(stored.Hash, jpeg);
    }
}
