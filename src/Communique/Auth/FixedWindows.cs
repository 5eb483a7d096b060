using System.Collections.Concurrent;

namespace Communique.Auth;

// Fixed-window counters per key on the injected clock, so that limits are exact and testable with a fake clock.
// (System.Threading.RateLimiting runs on its own timer and does not report when a window resets.)
// The table is bounded whatever the clients send: keys are 128 bits (a team id, or a keyed hash of what a client
// sent, see ThrottleKey) and at most `capacity` counters are held. When a new key finds the table full, counters of
// past windows go first, then counters still under their limit, and only then any counter, down to nine tenths of
// the capacity, so that the scan is paid once per tenth of the table.
public sealed class FixedWindows(
    TimeProvider clock, int limit, TimeSpan window, int capacity = FixedWindows.DefaultCapacity)
{
    public const int DefaultCapacity = 100_000;
    private readonly ConcurrentDictionary<UInt128, Counter> _counters = new();
    private readonly Lock _pruning = new();
    private int _size;

    private sealed class Counter(UInt128 tag)
    {
        public readonly UInt128 Tag = tag;
        public long Window;
        public int Count;
    }

    public int Limit => limit;

    // The number of counters held: never more than the capacity.
    public int Size => Volatile.Read(ref _size);

    // Counts one hit and says whether it was within the limit. The tag groups keys for Forget (e.g. a user's id).
    public WindowState Hit(UInt128 key, UInt128 tag = default) => Apply(key, 1, tag);

    // Says whether a hit would be within the limit, without counting it.
    public WindowState Peek(UInt128 key) => Apply(key, 0, default);

    // Hits counted for the key in the current window.
    public int Count(UInt128 key)
    {
        var state = Peek(key);
        return state.Limit - state.Remaining;
    }

    // Drops every counter hit with this tag.
    public void Forget(UInt128 tag)
    {
        foreach (var (key, counter) in _counters)
        {
            if (counter.Tag == tag)
            {
                Remove(key);
            }
        }
    }

    private WindowState Apply(UInt128 key, int hits, UInt128 tag)
    {
        var now = clock.GetUtcNow().UtcTicks;
        var current = now / window.Ticks;
        var resetIn = TimeSpan.FromTicks((current + 1) * window.Ticks - now);
        if (!_counters.TryGetValue(key, out var counter))
        {
            if (hits == 0)
            {
                return new WindowState(true, limit, limit, resetIn);
            }

            if (Volatile.Read(ref _size) >= capacity)
            {
                Prune(current);
            }

            counter = new Counter(tag) { Window = current };
            if (_counters.TryAdd(key, counter))
            {
                Interlocked.Increment(ref _size);
            }
            else
            {
                counter = _counters.GetOrAdd(key, counter);
            }
        }

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
        lock (_pruning)
        {
            var target = capacity - Math.Max(1, capacity / 10);
            RemoveWhile(target, c => Volatile.Read(ref c.Window) < current);
            RemoveWhile(target, c => Volatile.Read(ref c.Count) < limit);
            RemoveWhile(target, _ => true);
        }
    }

    private void RemoveWhile(int target, Func<Counter, bool> removable)
    {
        foreach (var (key, counter) in _counters)
        {
            if (Volatile.Read(ref _size) < target)
            {
                return;
            }

            if (removable(counter))
            {
                Remove(key);
            }
        }
    }

    private void Remove(UInt128 key)
    {
        if (_counters.TryRemove(key, out _))
        {
            Interlocked.Decrement(ref _size);
        }
    }
}
