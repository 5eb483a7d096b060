using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Communique.DataSources;

// Version 7 uuids (RFC 9562) for a stream of new records: the millisecond of the import, then random bits drawn from
// the system's generator a few kilobytes at a time. Guid.CreateVersion7 asks the kernel for 16 random bytes per
// call, a system call per imported row. Not thread-safe: one per import.
public sealed class RecordUuids(TimeProvider clock)
{
    private const int UuidsPerFill = 256;

    private readonly byte[] _random = new byte[UuidsPerFill * 16];
    private int _next = UuidsPerFill;

    public Guid Next()
    {
        if (_next == UuidsPerFill)
        {
            RandomNumberGenerator.Fill(_random);
            _next = 0;
        }

        Span<byte> bytes = stackalloc byte[16];
        _random.AsSpan(_next++ * 16, 16).CopyTo(bytes);
        var milliseconds = clock.GetUtcNow().ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)(milliseconds >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(bytes[2..], (uint)milliseconds);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
