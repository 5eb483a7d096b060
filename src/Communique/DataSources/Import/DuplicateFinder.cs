using System.Runtime.CompilerServices;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Communique.DataSources.Import;

// Checks that the chosen identifier field is unique and never blank. Remembers a 128-bit hash
// per value, not the value: 36 bytes a record whatever the identifier's length (about 40 MB for
// a million records), with a chance of a false duplicate far below that of a disk error.
// Values are compared exactly as written (case and spaces count). Given the expected number of
// records it allocates once instead of growing, which would briefly need half as much again.
public sealed class DuplicateFinder
{
    private const int MaxRepeatLinesPerValue = 10;

    private readonly Dictionary<Hash, long> _firstLines;
    private readonly Dictionary<Hash, (string Value, long FirstLine, List<long> Repeats)> _reported = [];
    private readonly List<Hash> _reportOrder = [];
    private readonly List<long> _blankLines = [];
    private readonly int _maxReported;

    public DuplicateFinder(int maxReported = 100, int expectedRecords = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxReported);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedRecords);
        _maxReported = maxReported;
        _firstLines = new Dictionary<Hash, long>(expectedRecords);
    }

    // The first duplicated values, in the order their first repeat was met.
    public IReadOnlyList<Duplicate> Duplicates =>
        [.. _reportOrder.Select(h => _reported[h]).Select(r => new Duplicate(r.Value, r.FirstLine, r.Repeats))];

    // Records whose identifier repeats an earlier one.
    public long DuplicateCount { get; private set; }

    public IReadOnlyList<long> BlankLines => _blankLines;

    public long BlankCount { get; private set; }

    public bool IsUnique => DuplicateCount == 0 && BlankCount == 0;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per value or row: see Import/SourceReader.cs
    public void Observe(string? value, long line)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            BlankCount++;
            if (_blankLines.Count < _maxReported)
            {
                _blankLines.Add(line);
            }
            return;
        }
        var full = XxHash128.HashToUInt128(MemoryMarshal.AsBytes(value.AsSpan()));
        var hash = new Hash((ulong)full, (ulong)(full >> 64));
        ref var firstLine = ref CollectionsMarshal.GetValueRefOrAddDefault(_firstLines, hash, out var seen);
        if (!seen)
        {
            firstLine = line;
            return;
        }
        DuplicateCount++;
        if (_reported.TryGetValue(hash, out var report))
        {
            if (report.Repeats.Count < MaxRepeatLinesPerValue)
            {
                report.Repeats.Add(line);
            }
        }
        else if (_reported.Count < _maxReported)
        {
            _reported.Add(hash, (value, firstLine, [line]));
            _reportOrder.Add(hash);
        }
    }

    // UInt128 is 16-byte aligned, which pads a dictionary entry from 32 to 48 bytes; two ulongs are not.
    private readonly record struct Hash(ulong Low, ulong High)
    {
        public override int GetHashCode() => (int)Low;
    }
}
