using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Communique.Auth;
using MimeKit;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Communique.Email.Dkim;

// Signs messages with a team's DKIM keys (relaxed/relaxed, SHA-256; RFC 6376, and RFC 8463 for Ed25519). The message
// is written once, as the transports write it, and its canonical forms are taken from those bytes and hashed with
// .NET's SHA-256: MimeKit's own signer writes the body through its stream filters into BouncyCastle's SHA-256, about
// a tenth of a campaign's CPU per message (docs/benchmarks.md). The tests verify every signature with MimeKit's
// DkimVerifier. Unsealed keys are kept per key id, so a campaign pays for unsealing once; a key is immutable, so the
// cache never goes stale (a deleted key is simply not asked for).
public sealed class DkimSigning(MasterKey masterKey, TimeProvider clock)
{
    // The headers that say who sent what to whom; signed when present. From is always present and always signed.
    private static readonly string[] Signed =
    [
        "From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
        "List-Unsubscribe", "List-Unsubscribe-Post",
    ];

    [ThreadStatic]
    private static Buffers? t_buffers;

    private readonly ConcurrentDictionary<Guid, Signer> _signers = new();

    // The message signed, as it goes on the wire: the DKIM-Signature field, then the message as written (made 7-bit
    // first). The message itself is left without the signature.
    public WireEmail Sign(MimeMessage message, DkimKey key)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(key);
        var signer = _signers.GetOrAdd(key.Id, _ => Create(key));
        message.Prepare(EncodingConstraint.SevenBit);

        var buffers = t_buffers ??= new Buffers();
        buffers.Message.SetLength(0);
        message.WriteTo(WireFormat.Options, buffers.Message);
        var bytes = buffers.Message.GetBuffer().AsSpan(0, (int)buffers.Message.Length);
        var blank = bytes.IndexOf("\r\n\r\n"u8);
        var headers = blank < 0 ? bytes : bytes[..(blank + 2)];
        var body = blank < 0 ? [] : bytes[(blank + 4)..];

        buffers.Canonical.ResetWrittenCount();
        DkimCanonical.Body(body, buffers.Canonical);
        var bodyHash = Convert.ToBase64String(SHA256.HashData(buffers.Canonical.WrittenSpan));

        // Each signed header's last occurrence (RFC 6376 §5.4.2), in the order of the list.
        buffers.Canonical.ResetWrittenCount();
        var fields = DkimCanonical.Fields(headers);
        var names = new List<string>(Signed.Length);
        foreach (var name in Signed)
        {
            var index = fields.Count - 1;
            while (index >= 0 && !Ascii.EqualsIgnoreCase(headers.Slice(fields[index].NameStart,
                fields[index].NameLength).TrimEnd(" \t"u8), name))
            {
                index--;
            }

            if (index < 0)
            {
                continue;
            }

            var field = fields[index];
            DkimCanonical.Header(headers.Slice(field.NameStart, field.NameLength),
                headers[field.ValueStart..field.ValueEnd], buffers.Canonical);
            names.Add(name);
        }

        if (names.Count == 0 || names[0] != "From")
        {
            throw new InvalidOperationException("A message without a From header cannot be DKIM-signed.");
        }

        // The signature's own field, with b= empty and last, folded where its value has spaces anyway.
        var value = $" v=1; a={signer.Algorithm}; c=relaxed/relaxed; d={key.Domain}; s={key.Selector};\r\n"
                    + $"\tt={clock.GetUtcNow().ToUnixTimeSeconds()}; h={string.Join(':', names).ToLowerInvariant()};"
                    + $"\r\n\tbh={bodyHash};\r\n\tb=";
        var prefix = Encoding.ASCII.GetBytes(value);
        DkimCanonical.Header("DKIM-Signature"u8, prefix, buffers.Canonical, crlf: false);
        var signature = Convert.ToBase64String(signer.Sign(SHA256.HashData(buffers.Canonical.WrittenSpan)));

        var raw = new StringBuilder(value.Length + signature.Length + 32).Append(value);
        for (var at = 0; at < signature.Length; at += 72)
        {
            raw.Append(at == 0 ? "" : "\r\n\t").Append(signature, at, Math.Min(72, signature.Length - at));
        }

        raw.Append("\r\n");
        var signatureField = "DKIM-Signature:"u8;
        var wire = new byte[signatureField.Length + raw.Length + bytes.Length];
        signatureField.CopyTo(wire);
        var written = signatureField.Length
                      + Encoding.ASCII.GetBytes(raw.ToString(), wire.AsSpan(signatureField.Length));
        bytes.CopyTo(wire.AsSpan(written));
        return WireEmail.Of(message, wire);
    }

    private Signer Create(DkimKey key)
    {
        var secret = masterKey.Unseal(key.SealedPrivateKey);
        try
        {
            if (key.Algorithm == DkimAlgorithm.Ed25519)
            {
                return new Signer("ed25519-sha256", null, new Ed25519PrivateKeyParameters(secret));
            }

            // One key object per processor: .NET does not promise that concurrent use of one is safe, and one locked
            // object would let only one core sign at a time.
            var keys = new RSA[Environment.ProcessorCount];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = RSA.Create();
                keys[i].ImportPkcs8PrivateKey(secret, out _);
            }

            return new Signer("rsa-sha256", new RsaKeys(keys), null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    // New keys: RSA-2048 as PKCS #8, or an Ed25519 seed; the second value is the DNS record's p= (base64).
    public static (byte[] PrivateKey, string PublicKey) Generate(DkimAlgorithm algorithm)
    {
        if (algorithm == DkimAlgorithm.Ed25519)
        {
            var seed = RandomNumberGenerator.GetBytes(32);
            var publicKey = new Ed25519PrivateKeyParameters(seed).GeneratePublicKey().GetEncoded();
            return (seed, Convert.ToBase64String(publicKey));
        }

        using var rsa = RSA.Create(2048);
        return (rsa.ExportPkcs8PrivateKey(), Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
    }

    // A key: RSA (PKCS #1 v1.5 over the SHA-256 digest, with .NET's RSA, which is OpenSSL's and much faster than
    // BouncyCastle's) or Ed25519 (the digest signed with PureEdDSA, RFC 8463).
    private sealed class Signer(string algorithm, RsaKeys? rsa, Ed25519PrivateKeyParameters? ed25519)
    {
        public string Algorithm => algorithm;

        public byte[] Sign(byte[] digest)
        {
            if (rsa is not null)
            {
                return rsa.SignHash(digest);
            }

            var signer = new Ed25519Signer();
            signer.Init(forSigning: true, ed25519);
            signer.BlockUpdate(digest, 0, digest.Length);
            return signer.GenerateSignature();
        }
    }

    // A thread's buffers for the message as written and for the canonical text being hashed.
    private sealed class Buffers
    {
        public MemoryStream Message { get; } = new(32 * 1024);
        public ArrayBufferWriter<byte> Canonical { get; } = new(32 * 1024);
    }
}

// Copies of one RSA key, used in turn, each by one thread at a time.
internal sealed class RsaKeys(RSA[] copies)
{
    private int _next;

    public byte[] SignHash(byte[] digest)
    {
        var key = copies[(int)((uint)Interlocked.Increment(ref _next) % (uint)copies.Length)];
        lock (key)
        {
            return key.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
    }
}
