using Communique.Assets.Storage;
using Communique.Data;
using Microsoft.EntityFrameworkCore;
using MimeKit.Encodings;

namespace Communique.Email.Compose;

// The attachments of an email's content: asset ids, checked when a send is asked for and read when it runs.
public static class MailAttachments
{
    // Together, per message. Mail servers commonly refuse messages over 10 to 25 MB once encoded (base64 adds a third).
    public const long MaxBytes = 10L * 1024 * 1024;

    // Why the attachments cannot be sent (an id that is not an asset of the team, or too much together); null if they
    // can.
    public static async Task<string?> ProblemAsync(
        AppDb db, IReadOnlyList<Guid>? ids, CancellationToken cancellationToken)
    {
        if (ids is not { Count: > 0 })
        {
            return null;
        }

        var found = await db.Assets.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, a.Length })
            .ToListAsync(cancellationToken);
        if (ids.Where(id => found.All(a => a.Id != id)).Select(id => (Guid?)id).FirstOrDefault() is { } missing)
        {
            return $"The email's attachment {missing} is not an asset of this team (deleted, or never uploaded).";
        }

        var total = found.Sum(a => a.Length);
        return total > MaxBytes
            ? $"The email's attachments come to {total} bytes; at most {MaxBytes} go with one message."
            : null;
    }

    // Null when one of them is gone (deleted after the send was asked for).
    public static async Task<IReadOnlyList<MailAttachment>?> LoadAsync(
        AppDb db, IBlobStore blobs, IReadOnlyList<Guid>? ids, CancellationToken cancellationToken)
    {
        if (ids is not { Count: > 0 })
        {
            return [];
        }

        var assets = await db.Assets.AsNoTracking().Where(a => ids.Contains(a.Id)).ToListAsync(cancellationToken);
        var attachments = new List<MailAttachment>();
        foreach (var id in ids)
        {
            if (assets.FirstOrDefault(a => a.Id == id) is not { } asset
                || await blobs.OpenReadAsync(asset.Hash, cancellationToken) is not { } content)
            {
                return null;
            }

            await using (content)
            {
                using var bytes = new MemoryStream();
                await content.CopyToAsync(bytes, cancellationToken);
                attachments.Add(Encode(asset.Name, asset.ContentType, bytes.GetBuffer(), (int)bytes.Length));
            }
        }

        return attachments;
    }

    // An attachment of these bytes, base64-encoded once in MIME's lines.
    public static MailAttachment Encode(string fileName, string contentType, byte[] bytes, int length)
    {
        var encoder = new Base64Encoder();
        var encoded = new byte[encoder.EstimateOutputLength(length)];
        var written = encoder.Flush(bytes, 0, length, encoded);
        return new MailAttachment(fileName, contentType, encoded[..written]);
    }
}
