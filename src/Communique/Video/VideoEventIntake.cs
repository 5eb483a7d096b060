using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Communique.Video;

// Player events between the post that brought them and the table: a post is answered once its events are in this
// bounded queue, and VideoEventWriter writes them in batches, so ingest is not one database write per event. Events
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

    public VideoEventIntake(IOptions<VideoOptions> options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _clock = clock;
        _events = Channel.CreateBounded<VideoEvent>(new BoundedChannelOptions(_options.EventQueueCapacity)
        {
            SingleReader = true, FullMode = BoundedChannelFullMode.Wait,
        });
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

    // False when the queue is full: the writer is behind and the post should be tried again later.
    public bool TryAdd(IReadOnlyList<VideoEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            if (!_events.Writer.TryWrite(e))
            {
                return false;
            }

            Interlocked.Increment(ref _queued);
        }

        return true;
    }

    internal void Complete() => _events.Writer.TryComplete();

    internal void Wrote(int count) => Interlocked.Add(ref _written, count);

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
