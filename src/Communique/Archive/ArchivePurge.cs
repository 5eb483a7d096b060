using Communique.Assets.Storage;
using Communique.Data;
using Communique.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Communique.Archive;

// Removes archived content whose retention has passed and that no active legal hold covers, leaving each entry's row
// as a tombstone: its leaf hash, content hash and ids stay (so every proof still verifies), its recipient, metadata,
// search text and content go. The frames of a pack's other entries are written to a new pack, so no purged byte
// stays on disk. Nothing else removes archived content: the API's delete and the operator command come here too.
public sealed class ArchivePurge(AppDb db, IBlobStore blobs)
{
    public const string JobKind = "archive-purge";
    private const int Batch = 500;

    public static string JobKey(Guid teamId) => $"{JobKind}:{teamId:D}";

    // Why the entry may not be purged now, or null when it may.
    public async Task<string?> RefusalAsync(ArchiveEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.RetainUntil is not { } until)
        {
            return "The entry is kept for ever: its team's retention policy had no end when it was archived.";
        }

        if (until > db.Now)
        {
            return $"The entry is kept until {until:O} by its retention policy.";
        }

        return (await HeldAsync([entry.Id], cancellationToken)).Count > 0
            ? "The entry is under a legal hold."
            : null;
    }

    // Purges every entry of the caller's team whose retention has passed and that no hold covers; the count purged.
    public async Task<int> PurgeDueAsync(CancellationToken cancellationToken)
    {
        var purged = 0;
        var skipped = new HashSet<Guid>();
        while (true)
        {
            var now = db.Now;
            var due = await db.ArchiveEntries
                .Where(e => e.PurgedAt == null && e.RetainUntil != null && e.RetainUntil <= now)
                .Where(e => !skipped.Contains(e.Id))
                .OrderBy(e => e.RetainUntil).Take(Batch).ToListAsync(cancellationToken);
            if (due.Count == 0)
            {
                return purged;
            }

            var held = await HeldAsync([.. due.Select(e => e.Id)], cancellationToken);
            skipped.UnionWith(held);
            var free = due.Where(e => !held.Contains(e.Id)).ToList();
            await PurgeAsync(free, cancellationToken);
            purged += free.Count;
        }
    }

    // The earliest retention date still to come of the team's unpurged entries.
    public Task<DateTime?> NextDueAsync(CancellationToken cancellationToken) =>
        db.ArchiveEntries.Where(e => e.PurgedAt == null && e.RetainUntil != null && e.RetainUntil > db.Now)
            .MinAsync(e => e.RetainUntil, cancellationToken);

    // Which of the entries an active hold covers: by id, or by a saved search that finds them.
    public async Task<HashSet<Guid>> HeldAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var active = db.ArchiveHolds.Where(h => h.ReleasedAt == null);
        var held = (await db.ArchiveHeldEntries
            .Where(h => ids.Contains(h.EntryId) && active.Any(a => a.Id == h.HoldId))
            .Select(h => h.EntryId).ToListAsync(cancellationToken)).ToHashSet();
        var searches = await active.Where(h => h.Search != null).Select(h => h.Search!).ToListAsync(cancellationToken);
        foreach (var saved in searches)
        {
            if (ArchiveSearch.Parse(saved).Search is { } search)
            {
                held.UnionWith(await search.Apply(db).Where(e => ids.Contains(e.Id)).Select(e => e.Id)
                    .ToListAsync(cancellationToken));
            }
        }

        return held;
    }

    // Purges the (tracked) entries in one unit of work, their packs rewritten without them.
    public async Task PurgeAsync(List<ArchiveEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        entries = [.. entries.Where(e => !e.IsPurged)];
        if (entries.Count == 0)
        {
            return;
        }

        var released = new List<string>();
        var purging = entries.Select(e => e.Id).ToHashSet();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var pack in entries.Select(e => e.BlobHash).Where(h => h.Length > 0).Distinct().ToList())
        {
            var holders = await db.BlobReferences
                .Where(r => r.Hash == pack && r.Holder == BlobHolder.Archive).Select(r => r.HolderId)
                .ToListAsync(cancellationToken);
            var references = db.BlobReferences
                .Where(r => r.Holder == BlobHolder.Archive && holders.Contains(r.HolderId));
            released.AddRange(await references.Select(r => r.Hash).ToListAsync(cancellationToken));
            await references.ExecuteDeleteAsync(cancellationToken);
            // A pack's entries are consecutive leaves (a repack keeps a subset of them).
            var leaves = entries.Where(e => e.BlobHash == pack).Select(e => e.LeafIndex).ToList();
            var (first, last) = (leaves.Min() - MessageArchive.MaxBatch, leaves.Max() + MessageArchive.MaxBatch);
            var survivors = await db.ArchiveEntries
                .Where(e => e.LeafIndex >= first && e.LeafIndex <= last && e.BlobHash == pack)
                .Where(e => !purging.Contains(e.Id))
                .OrderBy(e => e.BlobOffset).ToListAsync(cancellationToken);
            if (survivors.Count > 0)
            {
                await RepackAsync(pack, survivors, cancellationToken);
            }
        }

        var now = db.Now;
        foreach (var entry in entries)
        {
            entry.Recipient = null;
            entry.Metadata = null;
            entry.BlobHash = "";
            entry.BlobOffset = 0;
            entry.BlobLength = 0;
            entry.DictionaryHash = null;
            entry.PurgedAt = now;
        }

        await db.ArchiveFields.Where(f => purging.Contains(f.EntryId)).ExecuteDeleteAsync(cancellationToken);
        await ArchiveText.RemoveAsync(db, entries, cancellationToken);
        foreach (var entry in entries)
        {
            entry.TextKey = null;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        // Once nothing names them: a failed commit leaves every byte where it was.
        await db.DeleteUnreferencedBlobsAsync(blobs, released.Distinct().ToList(), cancellationToken);
    }

    // The survivors' frames as a new pack, held (with their dictionaries) by the first of them.
    private async Task RepackAsync(string pack, List<ArchiveEntry> survivors, CancellationToken cancellationToken)
    {
        await using var old = await blobs.OpenReadAsync(pack, cancellationToken)
            ?? throw new InvalidOperationException($"The archive pack {pack} is missing.");
        var rewritten = new MemoryStream();
        foreach (var entry in survivors)
        {
            old.Position = entry.BlobOffset;
            var frame = new byte[checked((int)entry.BlobLength)];
            await old.ReadExactlyAsync(frame, cancellationToken);
            entry.BlobOffset = rewritten.Position;
            rewritten.Write(frame);
        }

        rewritten.Position = 0;
        var stored = (BlobPutResult.Stored)await blobs.PutAsync(rewritten, rewritten.Length, cancellationToken);
        foreach (var entry in survivors)
        {
            entry.BlobHash = stored.Hash;
        }

        db.AttachBlob(stored.Hash, BlobHolder.Archive, survivors[0].Id);
        foreach (var dictionary in survivors.Where(e => e.DictionaryHash is not null).Select(e => e.DictionaryHash!)
                     .Distinct())
        {
            db.AttachBlob(dictionary, BlobHolder.Archive, survivors[0].Id);
        }
    }
}

// Runs the purge for its team, then asks for itself again at the next retention date to come.
public sealed class ArchivePurgeJob(AppDb db, ArchivePurge purge) : IJobHandler
{
    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var purged = await purge.PurgeDueAsync(cancellationToken);
        if (await purge.NextDueAsync(cancellationToken) is { } next)
        {
            await db.EnqueueOnceAsync(ArchivePurge.JobKind, ArchivePurge.JobKey(job.TeamId), next,
                cancellationToken: cancellationToken);
        }

        job.Result = System.Text.Json.JsonSerializer.Serialize(new { purged },
            System.Text.Json.JsonSerializerOptions.Web);
    }
}
