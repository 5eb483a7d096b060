using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Assets.Storage;

// The blob store is content-addressed and shared by every team and feature, so identical bytes stored by an asset and
// by an NLU model are one blob. A blob is deleted only here, and only when no reference names it: references are
// added in the unit of work that stores their holder, and released when the holder goes.
public static class BlobReferences
{
    public static void AttachBlob(this AppDb db, string hash, BlobHolder holder, Guid holderId) =>
        db.BlobReferences.Add(new BlobReference { Hash = hash, Holder = holder, HolderId = holderId });

    // Drops every reference of the holders and deletes the blobs that nothing references any more.
    public static async Task ReleaseBlobsAsync(
        this AppDb db, IBlobStore blobs, IReadOnlyCollection<Guid> holderIds, CancellationToken cancellationToken)
    {
        var held = db.BlobReferences.Where(r => holderIds.Contains(r.HolderId));
        var hashes = await held.Select(r => r.Hash).Distinct().ToListAsync(cancellationToken);
        if (hashes.Count > 0)
        {
            await held.ExecuteDeleteAsync(cancellationToken);
            await db.DeleteUnreferencedBlobsAsync(blobs, hashes, cancellationToken);
        }
    }

    // Deletes each blob that no reference names (saved, or about to be saved in this unit of work): bytes stored for a
    // request that was then refused, or left by released holders.
    public static async Task DeleteUnreferencedBlobsAsync(
        this AppDb db, IBlobStore blobs, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        foreach (var hash in hashes)
        {
            var attaching = db.ChangeTracker.Entries<BlobReference>()
                .Any(e => e.Entity.Hash == hash && e.State == EntityState.Added);
            if (!attaching && !await db.BlobReferences.AnyAsync(r => r.Hash == hash, cancellationToken))
            {
                await blobs.DeleteAsync(hash, cancellationToken);
            }
        }
    }

    // Releases the blobs of the team's jobs of a kind that ended before the time (files kept for download until
    // then), up to 100 jobs at a time.
    public static async Task ReleaseEndedJobsAsync(this AppDb db, IBlobStore blobs, string kind, BlobHolder holder,
        DateTime endedBefore, CancellationToken cancellationToken)
    {
        var ended = await db.Jobs.AsNoTracking()
            .Where(j => j.Kind == kind && j.CompletedAt < endedBefore
                && db.BlobReferences.Any(r => r.HolderId == j.Id && r.Holder == holder))
            .OrderBy(j => j.Id).Select(j => j.Id).Take(100).ToListAsync(cancellationToken);
        if (ended.Count > 0)
        {
            await db.ReleaseBlobsAsync(blobs, ended, cancellationToken);
        }
    }
}
