using System.Security.Cryptography;
using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Video;

public static class VideoLinks
{
    // The communication's player link, made the first time it is asked for.
    public static async Task<VideoLink> EnsureAsync(AppDb db, Guid communicationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        for (var attempt = 0; ; attempt++)
        {
            var link = await db.VideoLinks.AsNoTracking()
                .FirstOrDefaultAsync(l => l.CommunicationId == communicationId, cancellationToken);
            if (link is not null)
            {
                return link;
            }

            link = new VideoLink
            {
                CommunicationId = communicationId, Key = NewKey(), CreatedAt = db.Now,
            };
            db.VideoLinks.Add(link);
            if (await db.SaveUniqueAsync(cancellationToken))
            {
                return link;
            }

            // Made by another request meanwhile (or, once in 2^128, a key already taken): read again.
            db.ChangeTracker.Clear();
            if (attempt > 0)
            {
                throw new InvalidOperationException($"No player link could be made for {communicationId}.");
            }
        }
    }

    // 128 random bits, URL-safe.
    public static string NewKey() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}
