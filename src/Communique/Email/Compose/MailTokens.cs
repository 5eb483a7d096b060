using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Communique.Auth;

namespace Communique.Email.Compose;

// The signed tokens of tracking and unsubscribe links. Layout, before base64url: version (1), kind (1), message id
// (16, big-endian), for clicks the destination URL in UTF-8; then the first 16 bytes of an HMAC-SHA256 of all that
// under a key derived from the master key. The destination is inside the signed part, so a click link can only ever
// lead where the email's author pointed it: no open redirect, and no table of links to look up.
public sealed class MailTokens(MasterKey masterKey)
{
    private const byte Version = 1;
    private const int MacLength = 16;
    private const int Fixed = 2 + 16;

    private readonly byte[] _key = masterKey.Derive("communique mail link tokens");

    public string Create(MailToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var url = token.Kind == MailTokenKind.Click
            ? Encoding.UTF8.GetBytes(
                token.Url ?? throw new ArgumentException("A click token needs a URL.", nameof(token)))
            : [];
        var bytes = new byte[Fixed + url.Length + MacLength];
        bytes[0] = Version;
        bytes[1] = (byte)token.Kind;
        token.MessageId.TryWriteBytes(bytes.AsSpan(2, 16), bigEndian: true, out _);
        url.CopyTo(bytes, Fixed);
        HMACSHA256.HashData(_key, bytes.AsSpan(0, Fixed + url.Length)).AsSpan(0, MacLength)
            .CopyTo(bytes.AsSpan(Fixed + url.Length));
        return Base64Url.EncodeToString(bytes);
    }

    // Null for anything that is not a token we made, unchanged.
    public MailToken? Read(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 8192 || !Base64Url.IsValid(text))
        {
            return null;
        }

        var bytes = Base64Url.DecodeFromChars(text);
        if (bytes.Length < Fixed + MacLength || bytes[0] != Version || bytes[1] is < 1 or > 3)
        {
            return null;
        }

        var signed = bytes.AsSpan(0, bytes.Length - MacLength);
        var mac = HMACSHA256.HashData(_key, signed).AsSpan(0, MacLength);
        if (!CryptographicOperations.FixedTimeEquals(mac, bytes.AsSpan(signed.Length)))
        {
            return null;
        }

        var kind = (MailTokenKind)bytes[1];
        var id = new Guid(bytes.AsSpan(2, 16), bigEndian: true);
        var url = signed.Length > Fixed ? Encoding.UTF8.GetString(signed[Fixed..]) : null;
        return kind == MailTokenKind.Click && url is null
            ? null
            : new MailToken(kind, id, kind == MailTokenKind.Click ? url : null);
    }
}
