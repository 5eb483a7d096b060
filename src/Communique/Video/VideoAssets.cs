using Communique.Assets;
using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Video;

// An asset a video names: by its id, or by its name in the communication's asset folder.
public static class VideoAssets
{
    public static Task<Asset?> FindAsync(AppDb db, string name, Guid? folderId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(name);
        if (Guid.TryParse(name, out var id))
        {
            return db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        }

        return folderId is { } folder
            ? db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.FolderId == folder && a.Name == name,
                cancellationToken)
            : Task.FromResult<Asset?>(null);
    }
}
