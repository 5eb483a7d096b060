using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Assets.Storage;

// Deletes the blobs that no holder names and that were last put more than the grace ago: the bytes of a request
// refused after they were stored, or of a unit of work that a crash stopped between the blob and its rows (an archive
// pack whose entries were never saved). The grace covers the time between a put and the save that names the blob.
public sealed class BlobSweep(IServiceScopeFactory scopes, IBlobStore blobs, TimeProvider time)
{
    // The blobs deleted.
    public async Task<int> SweepAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow().UtcDateTime - grace;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var deleted = 0;
        await foreach (var (hash, putAt) in blobs.ListAsync(before, cancellationToken))
        {
            if (putAt < before && !await db.BlobReferences.AnyAsync(r => r.Hash == hash, cancellationToken))
            {
                await blobs.DeleteIfPutBeforeAsync(hash, before, cancellationToken);
                deleted++;
            }
        }

        return deleted;
    }
}

// Sweeps the blob store every Blobs:SweepMinutes, with a grace of as many minutes.
public sealed class BlobSweeper(BlobSweep sweep, Microsoft.Extensions.Options.IOptions<BlobStoreOptions> options,
    ILogger<BlobSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromMinutes(options.Value.SweepMinutes);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, stoppingToken);
                var deleted = await sweep.SweepAsync(every, stoppingToken);
                if (deleted > 0)
                {
                    log.LogInformation("The blob sweep deleted {Count} blobs no holder names.", deleted);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or DbUpdateException or InvalidOperationException)
            {
                log.LogWarning(e, "The blob sweep failed; it runs again in {Minutes} minutes.", every.TotalMinutes);
            }
        }
    }
}
