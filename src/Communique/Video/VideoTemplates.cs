using Communique.Communications;
using Communique.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Communique.Video;

// A video communication's current version ready to plan from, its asset names resolved to ids. Kept in memory by
// communication and version: a player page reads the communication's version (one small row) and plans from the
// kept template, and an edit, which raises the version, is seen at once.
public sealed class VideoTemplates : IDisposable
{
    private readonly MemoryCache _kept = new(new MemoryCacheOptions { SizeLimit = 2000 });

    public async Task<VideoTemplate?> CurrentAsync(AppDb db, Guid communicationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var head = await db.Communications.AsNoTracking()
            .Where(c => c.Id == communicationId && c.Channel == Channel.Video)
            .Select(c => new { c.TeamId, c.Version, c.AssetFolderId })
            .FirstOrDefaultAsync(cancellationToken);
        if (head is null)
        {
            return null;
        }

        if (_kept.TryGetValue((nameof(VideoTemplates), communicationId, head.Version), out VideoTemplate? kept))
        {
            return kept;
        }

        var content = await db.Communications.AsNoTracking().Where(c => c.Id == communicationId)
            .Select(c => c.Content).FirstAsync(cancellationToken);
        var video = VideoContents.Read(content);
        var assets = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var (_, name, _) in VideoContents.Assets(video))
        {
            if (!assets.ContainsKey(name)
                && await VideoAssets.FindAsync(db, name, head.AssetFolderId, cancellationToken) is { } asset)
            {
                assets[name] = asset.Id;
            }
        }

        var template = new VideoTemplate(head.TeamId, communicationId, head.Version, video, assets);
        _kept.Set((nameof(VideoTemplates), communicationId, head.Version), template,
            new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(10) });
        return template;
    }

    public void Dispose() => _kept.Dispose();
}
