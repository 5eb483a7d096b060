using Communique.Data;

namespace Communique.Video;

// Writes the queued player events in batches: one SaveChanges per batch of up to MaxBatch events, which is what lets
// ingest keep up with thousands of events a second. At shutdown it writes what is left before the host stops.
public sealed partial class VideoEventWriter(
    VideoEventIntake queue, IServiceScopeFactory scopes, ILogger<VideoEventWriter> logger) : BackgroundService
{
    private const int MaxBatch = 2_000;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<VideoEvent>(MaxBatch);
        // Not stoppingToken: the loop ends when the queue is completed and drained, so nothing accepted is left.
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var e))
            {
                batch.Add(e);
            }

            await WriteAsync(batch);
            queue.Wrote(batch.Count);
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<VideoEvent> batch)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.VideoEvents.AddRange(batch);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        // A failed batch (its communication deleted meanwhile, the database away) is logged and dropped: the writer
        // goes on with the next.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogFailed(logger, e, batch.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} video player events could not be written")]
    private static partial void LogFailed(ILogger logger, Exception exception, int count);
}
