using System.Collections.Concurrent;

namespace Communique.Auth;

public readonly record struct WindowState(bool Allowed, int Limit, int Remaining, TimeSpan ResetIn);

// Fixed-window counters per key on the injected clock, so that limits are exact and testable with a fake clock.
// (System.Threading.RateLimiting runs on its own timer and does not report when a window resets.)
public sealed class FixedWindows(TimeProvider clock, int limit, TimeSpan window)
{
    private const int PruneAbove = 50_000;
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    private sealed class Counter
    {
        public long Window;
        public int Count;
    }

    public int Limit => limit;

    // Counts one hit and says whether it was within the limit.
    public WindowState Hit(string key) => Apply(key, 1);

    // Says whether a hit would be within the limit, without counting it.
    public WindowState Peek(string key) => Apply(key, 0);

    private WindowState Apply(string key, int hits)
    {
        var now = clock.GetUtcNow().UtcTicks;
        var current = now / window.Ticks;
        var resetIn = TimeSpan.FromTicks((current + 1) * window.Ticks - now);
        if (hits == 0 && !_counters.ContainsKey(key))
        {
            return new WindowState(true, limit, limit, resetIn);
        }

        if (_counters.Count > PruneAbove)
        {
            Prune(current);
        }

        var counter = _counters.GetOrAdd(key, static _ => new Counter());
        lock (counter)
        {
            if (counter.Window != current)
            {
                counter.Window = current;
                counter.Count = 0;
            }

            var allowed = counter.Count + hits <= limit && (hits > 0 || counter.Count < limit);
            if (allowed)
            {
                counter.Count += hits;
            }

            return new WindowState(allowed, limit, Math.Max(0, limit - counter.Count), resetIn);
        }
    }

    private void Prune(long current)
    {
        foreach (var (key, counter) in _counters)
        {
            if (Volatile.Read(ref counter.Window) < current)
            {
                _counters.TryRemove(key, out _);
            }
        }
    }
}
