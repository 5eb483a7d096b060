using System.Buffers.Text;
using System.Security.Cryptography;

namespace Communique.Auth;

// A token that proves its holder was given an id by this installation, for one purpose: the first 16 bytes of an
// HMAC-SHA256 of the id under a key derived from the master key for that purpose, base64url (22 characters). It is
// checked on any node without a table of tokens.
public abstract class IdTokens(MasterKey masterKey, string purpose)
{
    private readonly byte[] _key = masterKey.Derive(purpose);

    public string Create(Guid id) => Base64Url.EncodeToString(Mac(id));

    public bool Matches(Guid id, string? token)
    {
        Span<byte> given = stackalloc byte[16];
        return token is { Length: 22 } && Base64Url.TryDecodeFromChars(token, given, out var written)
            && written == 16 && CryptographicOperations.FixedTimeEquals(given, Mac(id));
    }

    private byte[] Mac(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return HMACSHA256.HashData(_key, bytes)[..16];
    }
}
