using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Communique.Auth;

namespace Communique.Video;

// The token a player page carries for its events: it proves that this server opened the page of one link key and one
// record uuid, as one session, at a time. It is checked without a table: a session id (16 bytes), the time it was
// issued (Unix seconds, 8 bytes) and the first 16 bytes of an HMAC-SHA256 over key, uuid, session and time, base64url.
// A token expires a day after it was issued, long enough for a page left open.
public sealed class VideoSessions(MasterKey masterKey, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    private readonly byte[] _key = masterKey.Derive("communique video player sessions");

    public (Guid Session, string Token) Issue(string linkKey, Guid uuid)
    {
        ArgumentNullException.ThrowIfNull(linkKey);
        var session = Guid.CreateVersion7();
        var token = new byte[40];
        session.TryWriteBytes(token.AsSpan(0, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(16, 8), clock.GetUtcNow().ToUnixTimeSeconds());
        Mac(linkKey, uuid, token.AsSpan(0, 24)).CopyTo(token.AsSpan(24));
        return (session, Base64Url.EncodeToString(token));
    }

    public bool TryRead(string linkKey, Guid uuid, string? token, out Guid session)
    {
        ArgumentNullException.ThrowIfNull(linkKey);
        session = Guid.Empty;
        Span<byte> bytes = stackalloc byte[40];
        if (token is not { Length: 54 } || !Base64Url.TryDecodeFromChars(token, bytes, out var written)
            || written != 40 || !CryptographicOperations.FixedTimeEquals(bytes[24..], Mac(linkKey, uuid, bytes[..24])))
        {
            return false;
        }

        var issued = DateTimeOffset.FromUnixTimeSeconds(
            Math.Clamp(BinaryPrimitives.ReadInt64BigEndian(bytes[16..24]), 0, 253_402_300_799));
        var now = clock.GetUtcNow();
        if (issued > now + TimeSpan.FromMinutes(5) || now - issued > Lifetime)
        {
            return false;
        }

        session = new Guid(bytes[..16], bigEndian: true);
        return true;
    }

    private byte[] Mac(string linkKey, Guid uuid, ReadOnlySpan<byte> sessionAndTime)
    {
        var text = Encoding.UTF8.GetBytes($"{linkKey}\n{uuid:N}\n");
        var data = new byte[text.Length + sessionAndTime.Length];
        text.CopyTo(data, 0);
        sessionAndTime.CopyTo(data.AsSpan(text.Length));
        return HMACSHA256.HashData(_key, data)[..16];
    }
}
