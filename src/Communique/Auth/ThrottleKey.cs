using System.Security.Cryptography;
using System.Text;

namespace Communique.Auth;

// 128-bit keys for what clients send (client ids, e-mails, addresses): a hash keyed with a secret of this process,
// so that the table's memory does not depend on the input's length and nobody can aim two inputs at one counter.
public static class ThrottleKey
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);

    public static UInt128 Of(string kind, string first, string? second = null)
    {
        var text = second is null ? $"{kind}\0{first}" : $"{kind}\0{first}\0{second}";
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(Secret, Encoding.UTF8.GetBytes(text), hash);
        return new UInt128(BitConverter.ToUInt64(hash), BitConverter.ToUInt64(hash[8..]));
    }

    public static UInt128 Of(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return new UInt128(BitConverter.ToUInt64(bytes), BitConverter.ToUInt64(bytes[8..]));
    }
}
