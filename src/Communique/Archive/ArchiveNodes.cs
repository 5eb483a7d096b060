using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Archive;

// Reads the stored complete nodes a tree computation asks for, in one query.
internal static class ArchiveNodes
{
    public static async Task<Dictionary<MerkleNode, byte[]>> LoadAsync(
        AppDb db, IReadOnlyCollection<MerkleNode> wanted, CancellationToken cancellationToken)
    {
        var found = new Dictionary<MerkleNode, byte[]>();
        if (wanted.Count == 0)
        {
            return found;
        }

        // A proof wants one node per level or two: levels and indexes apart select a few more, filtered here.
        var levels = wanted.Select(n => n.Level).Distinct().ToList();
        var indexes = wanted.Select(n => n.Index).Distinct().ToList();
        var want = wanted.ToHashSet();
        var rows = await db.ArchiveNodes.AsNoTracking()
            .Where(n => levels.Contains(n.Level) && indexes.Contains(n.Index))
            .Select(n => new { n.Level, n.Index, n.Hash }).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            var node = new MerkleNode(row.Level, row.Index);
            if (want.Contains(node))
            {
                found[node] = row.Hash;
            }
        }

        return found;
    }
}
