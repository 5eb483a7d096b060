using System.Buffers;
using System.Collections.Concurrent;
using ZstdSharp;

namespace Communique.Archive;

// zstd compressors made alike (a level, a dictionary loaded), kept between contents: a compressor is used by one
// thread at a time, and one made afresh for each content would build its tables each time.
internal sealed class CompressorPool(Func<Compressor> make) : IDisposable
{
    private readonly ConcurrentBag<Compressor> _idle = [];
    private int _disposed;

    // The content's zstd frame.
    public byte[] Compress(ReadOnlySpan<byte> content)
    {
        if (!_idle.TryTake(out var compressor))
        {
            compressor = make();
        }

        var frame = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(content.Length));
        try
        {
            return frame.AsSpan(0, compressor.Wrap(content, frame)).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
            if (Volatile.Read(ref _disposed) == 0)
            {
                _idle.Add(compressor);
            }
            else
            {
                compressor.Dispose();
            }
        }
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, 1);
        while (_idle.TryTake(out var compressor))
        {
            compressor.Dispose();
        }
    }
}
