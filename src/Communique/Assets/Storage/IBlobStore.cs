namespace Communique.Assets.Storage;

// Content-addressed bytes: the filesystem today, an S3-compatible bucket later. Callers keep
// the hash; the store never knows which assets reference a blob, so the caller decides when to delete.
public interface IBlobStore
{
    // Streams content into the store while hashing it; never holds the whole content in memory.
    // Identical bytes are stored once, however many puts of them run at the same time.
    Task<BlobPutResult> PutAsync(Stream content, long maxBytes, CancellationToken cancellationToken);

    // A seekable stream (so HTTP Range works), or null when no blob has this hash.
    Task<Stream?> OpenReadAsync(string hash, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken);

    // Deleting a missing blob is not an error: two callers may both find it unreferenced.
    Task DeleteAsync(string hash, CancellationToken cancellationToken);

    // Every blob with the time it was last put (a put of bytes already stored counts), for the sweep that deletes
    // those no holder names; and the leftovers of puts that never finished, older than the given time, deleted.
    IAsyncEnumerable<(string Hash, DateTime PutAt)> ListAsync(
        DateTime leftoversBefore, CancellationToken cancellationToken);

    // Deletes the blob unless it was put at or after the time (a holder may be about to name it).
    Task DeleteIfPutBeforeAsync(string hash, DateTime before, CancellationToken cancellationToken);
}
