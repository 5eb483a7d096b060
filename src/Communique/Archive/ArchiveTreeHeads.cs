using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Archive;

// The caller's team's signed tree heads: the latest one, and a new one signed when the log has grown and the latest
// is at least `due` old (due zero: whenever the log has grown, as an export needs a head of its own size).
public static class ArchiveTreeHeads
{
    public static async Task<ArchiveTreeHead> LatestAsync(
        AppDb db, ArchiveSigner signer, TimeSpan due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(signer);
        var latest = await LatestSignedAsync(db, cancellationToken);
        var log = await db.ArchiveLogs.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        var size = log?.Size ?? 0;
        if (latest is not null && (latest.Size >= size || db.Now - latest.SignedAt < due))
        {
            return latest;
        }

        var head = new ArchiveTreeHead
        {
            TeamId = db.Tenant.TeamId,
            Size = size,
            Root = log?.Root ?? MerkleTree.EmptyRoot(),
            SignedAt = ArchiveLeaf.WholeMilliseconds(db.Now),
            KeyId = "",
            Signature = [],
        };
        (head.KeyId, head.Signature) = await signer.SignAsync(head.Statement(), cancellationToken);
        db.ArchiveTreeHeads.Add(head);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return head;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another request signed this size first.
            db.ChangeTracker.Clear();
            return (await LatestSignedAsync(db, cancellationToken))!;
        }
    }

    private static Task<ArchiveTreeHead?> LatestSignedAsync(AppDb db, CancellationToken cancellationToken) =>
        db.ArchiveTreeHeads.AsNoTracking().OrderByDescending(h => h.Size).FirstOrDefaultAsync(cancellationToken);
}
