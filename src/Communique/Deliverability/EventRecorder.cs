using System.Threading.Channels;
using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Deliverability;

// Tracking events are answered at once and written in batches: a request only queues its event, and a background writer
// stores what is queued every few milliseconds in one transaction (one commit for many opens, instead of one each). The
// cost is that events queued at a crash — at most the last flush interval's — are lost, which tracking can afford
// and sending cannot (message rows are never written this way). The queue is bounded: when requests come faster than
// the writer stores them, a request waits for room (up to a second), which slows the callers down instead of losing
// their events; only an event that found no room in that second is dropped, and counted in the log.
public sealed class EventRecorder(IServiceScopeFactory scopes, ILogger<EventRecorder> logger) : BackgroundService
{
    public const int Capacity = 20_000;
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);
    private const int MaxBatch = 2_000;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly Channel<MessageEvent> _queue = Channel.CreateBounded<MessageEvent>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    private readonly System.Collections.Concurrent.ConcurrentQueue<TaskCompletionSource> _flushes = new();
    private long _dropped;

    // Events of messages that do not exist (deleted with their send) are not stored.
    public async ValueTask RecordAsync(MessageEvent e)
    {
        if (_queue.Writer.TryWrite(e))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(MaxWait);
        try
        {
            await _queue.Writer.WriteAsync(e, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    // Waits until everything recorded before the call is stored (tests, and a clean shutdown).
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _flushes.Enqueue(done);
        await done.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<MessageEvent>(MaxBatch);
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await DrainAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await DrainAsync(batch, CancellationToken.None);
    }

    private async Task DrainAsync(List<MessageEvent> batch, CancellationToken cancellationToken)
    {
        var waiting = new List<TaskCompletionSource>();
        while (_flushes.TryDequeue(out var flush))
        {
            waiting.Add(flush);
        }

        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var e))
            {
                batch.Add(e);
            }

            if (batch.Count == 0)
            {
                break;
            }

            try
            {
                await StoreAsync(batch, cancellationToken);
            }
            catch (Exception ex)
                when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                logger.LogError(ex, "{Count} tracking events could not be stored", batch.Count);
            }
        }

        if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
        {
            logger.LogWarning("{Count} tracking events were dropped: the queue was full", dropped);
        }

        foreach (var flush in waiting)
        {
            flush.TrySetResult();
        }
    }

    private async Task StoreAsync(List<MessageEvent> batch, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var ids = batch.Select(e => e.MessageId).Distinct().ToList();
        var owners = await db.OutboundMessages.IgnoreQueryFilters().AsNoTracking().Where(m => ids.Contains(m.Id))
            .Select(m => new { m.Id, m.TeamId, m.SendId }).ToDictionaryAsync(m => m.Id, cancellationToken);
        var known = new List<MessageEvent>(batch.Count);
        foreach (var e in batch)
        {
            if (owners.TryGetValue(e.MessageId, out var owner))
            {
                e.TeamId = owner.TeamId;
                e.SendId = owner.SendId;
                known.Add(e);
            }
        }

        // The events, the messages' first open and click, and the sends' numbers commit together.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await EventStore.WriteAsync(db, known, cancellationToken);
        foreach (var send in known.GroupBy(e => (e.TeamId, e.SendId)))
        {
            var human = send.Where(e => !e.Machine).ToList();
            var opened = human.Where(e => e.Kind == EventKind.Open).Select(e => e.MessageId).Distinct().ToList();
            var clicked = human.Where(e => e.Kind == EventKind.Click).Select(e => e.MessageId).Distinct().ToList();
            var at = send.Min(e => e.At);
            // A conditional update counts each message's first open (and click) once, whichever process saw it.
            var uniqueOpens = opened.Count == 0 ? 0 : await db.OutboundMessages.IgnoreQueryFilters()
                .Where(m => opened.Contains(m.Id) && m.OpenedAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(m => m.OpenedAt, at), cancellationToken);
            var uniqueClicks = clicked.Count == 0 ? 0 : await db.OutboundMessages.IgnoreQueryFilters()
                .Where(m => clicked.Contains(m.Id) && m.ClickedAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(m => m.ClickedAt, at), cancellationToken);
            await Reporting.Stats.AddAsync(db, send.Key.TeamId, send.Key.SendId, new Reporting.StatsDelta
            {
                Opens = human.Count(e => e.Kind == EventKind.Open),
                UniqueOpens = uniqueOpens,
                MachineOpens = send.Count(e => e.Kind == EventKind.Open && e.Machine),
                Clicks = human.Count(e => e.Kind == EventKind.Click),
                UniqueClicks = uniqueClicks,
                Desktop = human.Count(e => e.Device == DeviceClass.Desktop),
                Mobile = human.Count(e => e.Device == DeviceClass.Mobile),
                Tablet = human.Count(e => e.Device == DeviceClass.Tablet),
                OtherDevice = human.Count(e => e.Device is DeviceClass.Other or null),
            }, cancellationToken);
            foreach (var hour in human.GroupBy(e => Reporting.Stats.HourOf(e.At)))
            {
                await Reporting.Stats.AddHourAsync(db, send.Key.TeamId, send.Key.SendId, hour.Key,
                    hour.Count(e => e.Kind == EventKind.Open), hour.Count(e => e.Kind == EventKind.Click),
                        cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
