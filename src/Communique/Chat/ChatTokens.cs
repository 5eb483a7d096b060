using System.Buffers.Text;
using System.Security.Cryptography;
using Communique.Auth;

namespace Communique.Chat;

// The token a widget or another public client holds for its conversation: the first 16 bytes of an HMAC-SHA256 of
// the conversation's id under a key derived from the master key, base64url. It proves the holder started the
// conversation, on any node, without a table of tokens.
public sealed class ChatTokens(MasterKey masterKey)
{
    private readonly byte[] _key = masterKey.Derive("communique chat conversation tokens");

    public string Create(Guid conversationId) => Base64Url.EncodeToString(Mac(conversationId));

    public bool Matches(Guid conversationId, string? token)
    {
        Span<byte> given = stackalloc byte[16];
        return token is { Length: 22 } && Base64Url.TryDecodeFromChars(token, given, out var written)
            && written == 16 && CryptographicOperations.FixedTimeEquals(given, Mac(conversationId));
    }

    private byte[] Mac(Guid conversationId)
    {
        Span<byte> id = stackalloc byte[16];
        conversationId.TryWriteBytes(id, bigEndian: true, out _);
        return HMACSHA256.HashData(_key, id)[..16];
    }
}
