using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Communique.Push.WebPush;

// RFC 8291's message encryption with RFC 8188's aes128gcm content coding: per message, one ephemeral P-256 key pair,
// one key agreement with the subscription's public key, HKDFs keyed by the subscription's authentication secret and
// a random salt, and one AES-128-GCM record. The body is the coding's header (salt, record size, the ephemeral public
// key) and that record.
public static class WebPushEncryption
{
    public const int RecordSize = 4096;
    public const int HeaderLength = 16 + 4 + 1 + 65;
    public const int TagLength = 16;

    private static readonly byte[] KeyInfo = Encoding.ASCII.GetBytes("WebPush: info\0");
    private static readonly byte[] CekInfo = Encoding.ASCII.GetBytes("Content-Encoding: aes128gcm\0");
    private static readonly byte[] NonceInfo = Encoding.ASCII.GetBytes("Content-Encoding: nonce\0");

    // The subscriber's key as the browser gave it: an uncompressed P-256 point (65 bytes).
    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, byte[] subscriberKey, ReadOnlySpan<byte> authSecret)
    {
        ArgumentNullException.ThrowIfNull(subscriberKey);
        if (subscriberKey.Length != 65 || subscriberKey[0] != 0x04 || authSecret.Length != 16)
        {
            throw new ArgumentException("A subscription's key is a 65-byte P-256 point and its secret 16 bytes.");
        }

        if (plaintext.Length + 1 + TagLength > RecordSize)
        {
            throw new ArgumentException($"A Web Push message holds at most {RecordSize - 1 - TagLength} bytes.");
        }

        using var subscriber = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = subscriberKey[1..33], Y = subscriberKey[33..] },
        });
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var point = ephemeral.ExportParameters(includePrivateParameters: false).Q;
        Span<byte> serverKey = stackalloc byte[65];
        serverKey[0] = 0x04;
        point.X.AsSpan().CopyTo(serverKey[1..]);
        point.Y.AsSpan().CopyTo(serverKey[33..]);
        // The public key objects hold native handles: released here rather than by the finalizer thread.
        using var subscriberPublic = subscriber.PublicKey;
        var shared = ephemeral.DeriveRawSecretAgreement(subscriberPublic);

        // IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" 0x00 ua_public as_public, 32).
        Span<byte> info = stackalloc byte[KeyInfo.Length + 65 + 65];
        KeyInfo.CopyTo(info);
        subscriberKey.CopyTo(info[KeyInfo.Length..]);
        serverKey.CopyTo(info[(KeyInfo.Length + 65)..]);
        Span<byte> ikm = stackalloc byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, ikm, authSecret, info);
        CryptographicOperations.ZeroMemory(shared);

        var body = new byte[HeaderLength + plaintext.Length + 1 + TagLength];
        var salt = body.AsSpan(0, 16);
        RandomNumberGenerator.Fill(salt);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(16, 4), RecordSize);
        body[20] = 65;
        serverKey.CopyTo(body.AsSpan(21));

        Span<byte> prk = stackalloc byte[32];
        HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt, prk);
        Span<byte> cek = stackalloc byte[16];
        Span<byte> nonce = stackalloc byte[12];
        HKDF.Expand(HashAlgorithmName.SHA256, prk, cek, CekInfo);
        HKDF.Expand(HashAlgorithmName.SHA256, prk, nonce, NonceInfo);

        // One record, the last: the plaintext and the delimiter 0x02, no padding.
        var record = body.AsSpan(HeaderLength, plaintext.Length + 1);
        plaintext.CopyTo(record);
        record[^1] = 0x02;
        using var aes = new AesGcm(cek, TagLength);
        aes.Encrypt(nonce, record, record, body.AsSpan(HeaderLength + record.Length, TagLength));
        return body;
    }
}
