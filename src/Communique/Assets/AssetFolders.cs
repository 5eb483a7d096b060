using Communique.Assets.Storage;
using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Assets;

public static class AssetFolders
{
    // Copies a folder with its subfolders and files into a new root folder. Files share their blobs
    // (content-addressed), so the copy costs rows, not bytes; later changes to either side stay on that side.
    public static async Task<AssetFolder> CopyAsync(
        AppDb db, Guid sourceId, string name, CancellationToken cancellationToken)
    {
        var folders = await db.AssetFolders.AsNoTracking().ToListAsync(cancellationToken);
        var children = folders.ToLookup(f => f.ParentId);
        var now = db.Now;
        var taken = folders.Where(f => f.ParentId == Guid.Empty).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var unique = name;
        for (var n = 2; taken.Contains(unique); n++)
        {
            unique = $"{name} ({n})";
        }

        var root = new AssetFolder { ParentId = Guid.Empty, Name = unique, CreatedAt = now };
        db.AssetFolders.Add(root);
        var copies = new Dictionary<Guid, Guid> { [sourceId] = root.Id };
        var pending = new Queue<Guid>([sourceId]);
        while (pending.TryDequeue(out var original))
        {
            foreach (var child in children[original])
            {
                var copy = new AssetFolder { ParentId = copies[original], Name = child.Name, CreatedAt = now };
                db.AssetFolders.Add(copy);
                copies[child.Id] = copy.Id;
                pending.Enqueue(child.Id);
            }
        }

        var sources = copies.Keys.ToList();
        foreach (var asset in await db.Assets.AsNoTracking().Where(a => sources.Contains(a.FolderId))
            .ToListAsync(cancellationToken))
        {
            var copy = new Asset
            {
                FolderId = copies[asset.FolderId],
                Name = asset.Name,
                Kind = asset.Kind,
                ContentType = asset.ContentType,
                Hash = asset.Hash,
                Length = asset.Length,
                DurationSeconds = asset.DurationSeconds,
                Width = asset.Width,
                Height = asset.Height,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Assets.Add(copy);
            db.AttachBlob(copy.Hash, BlobHolder.Asset, copy.Id);
        }

        return root;
    }
}
