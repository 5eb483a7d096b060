using Communique.Data;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Communique.Campaigns;

// The first answer to a request sent with an Idempotency-Key: the same key and body within 24 hours get it again and
// send nothing; the same key with another body is refused.
public sealed class IdempotentRequest : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Key { get; set; }
    public required byte[] RequestHash { get; set; }
    public int Status { get; set; }
    public required string Response { get; set; }
    public DateTime CreatedAt { get; set; }

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    // What a request with this key gets instead of being carried out: the key refused, the first answer again, or a
    // conflict with a different request; null when the request is new (or has no key).
    public static async Task<IResult?> EarlierAsync(
        AppDb db, string key, byte[] requestHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            return null;
        }

        if (key.Length > 255)
        {
            return Problems.Invalid("Idempotency-Key", "At most 255 characters.");
        }

        var since = db.Now - Lifetime;
        var earlier = await db.IdempotentRequests.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Key == key && r.CreatedAt > since, cancellationToken);
        if (earlier is null)
        {
            return null;
        }

        return earlier.RequestHash.AsSpan().SequenceEqual(requestHash)
            ? TypedResults.Text(earlier.Response, "application/json", statusCode: earlier.Status)
            : Problems.Conflict("This Idempotency-Key was used within the last 24 hours with a different request.");
    }
}
