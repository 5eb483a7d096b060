using System.Collections.Concurrent;

namespace Communique.Documents.Pdf;

// A thread-safe cache of values that are the same for every document (font subsets, encoded images), bounded by
// the total weight (bytes) of what it holds. When an addition would pass the bound, everything is dropped: the
// entries that matter are made again at once, and no bookkeeping is paid on the hot path of a hit.
internal sealed class BoundedCache<TKey, TValue>(long maxWeight)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _entries = new();
    private long _weight;

    public TValue GetOrAdd(TKey key, Func<TKey, TValue> create, Func<TValue, long> weigh)
    {
        if (_entries.TryGetValue(key, out var found))
        {
            return found;
        }

        var value = create(key);
        var weight = weigh(value);
        if (weight > maxWeight)
        {
            return value;
        }

        if (Interlocked.Add(ref _weight, weight) > maxWeight)
        {
            lock (_entries)
            {
                if (Volatile.Read(ref _weight) > maxWeight)
                {
                    _entries.Clear();
                    Volatile.Write(ref _weight, weight);
                }
            }
        }

        return _entries.GetOrAdd(key, value);
    }
}
