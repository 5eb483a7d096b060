using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Communique.Video;

// Player events between the post that brought them and the table: a post is answered once its events are in this
// queue, and VideoEventWriter writes them in batches, so ingest is not one database write per event. Events
// still queued when the process dies are lost; they are viewing statistics, not messages, and the writer drains the
// queue when the host stops. The limits per session and per client address live here too, in memory: a viewer who
// sends too much is refused before anything is queued.
public sealed class VideoEventIntake : IDisposable
{
    private readonly Channel<VideoEvent> _events;
    private readonly MemoryCache _counts = new(new MemoryCacheOptions { SizeLimit = 1_000_000 });
    private readonly VideoOptions _options;
    private readonly TimeProvider _clock;
    private long _queued;
    private long _written;
    // Events accepted and not yet written. A post reserves room for all its events at once, so that a post is taken
    // whole or not at all (a refused post is sent again whole, and a half-taken one would be counted twice).
    private long _pending;

    public VideoEventIntake(IOptions<VideoOptions> options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _clock = clock;
        _events = Channel.CreateUnbounded<VideoEvent>(new UnboundedChannelOptions { SingleReader = true });
    }

    internal ChannelReader<VideoEvent> Reader => _events.Reader;

    public long Written => Interlocked.Read(ref _written);

    // False when the session has sent its share of events or the address its share of posts this minute.
    public bool Allow(Guid session, string address, int events)
    {
        var minute = _clock.GetUtcNow().ToUnixTimeSeconds() / 60;
        return Count(("address", address, minute), 1, TimeSpan.FromMinutes(2)) <= _options.PostsPerAddressPerMinute
            && Count(("session", session), events, VideoSessions.Lifetime) <= _options.EventsPerSession;
    }

    // True when the host is stopping and the queue takes nothing more.
    public bool Stopping { get; private set; }

    // False when the queue is full (the writer is behind: the post should be sent again later) or stopping.
    public bool TryAdd(IReadOnlyList<VideoEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (Interlocked.Add(ref _pending, events.Count) > _options.EventQueueCapacity || Stopping)
        {
            Interlocked.Add(ref _pending, -events.Count);
            return false;
        }

        foreach (var e in events)
        {
            // Unbounded: fails only once completed, at shutdown.
            _events.Writer.TryWrite(e);
        }

        Interlocked.Add(ref _queued, events.Count);
        return true;
    }

    // Gives back a session's share for events that were not taken.
    public void Refund(Guid session, int events)
    {
        if (_counts.TryGetValue(("session", session), out StrongBox<long>? count))
        {
            Interlocked.Add(ref count!.Value, -events);
        }
    }

    internal void Complete()
    {
        Stopping = true;
        _events.Writer.TryComplete();
    }

    internal void Wrote(int count)
    {
        Interlocked.Add(ref _written, count);
        Interlocked.Add(ref _pending, -count);
    }

    // Waits until every event queued before the call is written (or dropped after a failed write): for tests and
    // benchmarks that read what was posted.
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var target = Interlocked.Read(ref _queued);
        while (Interlocked.Read(ref _written) < target)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    // A count kept for its lifetime. When a million counts are kept, a new one is not (the cache is full until its
    // compaction): its key goes uncounted for a moment rather than the process growing without bound.
    private long Count(object key, int by, TimeSpan lifetime)
    {
        var count = _counts.GetOrCreate(key, entry =>
        {
            entry.Size = 1;
            entry.AbsoluteExpirationRelativeToNow = lifetime;
            return new StrongBox<long>();
        })!;
        return Interlocked.Add(ref count.Value, by);
    }

    public void Dispose() => _counts.Dispose();
}
