using System.Collections.Concurrent;
using System.Security.Cryptography;
using Communique.Auth;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Communique.Email.Dkim;

// Signs messages with a team's DKIM keys (relaxed/relaxed, SHA-256). Unsealed keys are kept per key id, so a campaign
// pays for unsealing once; a key is immutable, so the cache never goes stale (a deleted key is simply not asked for).
public sealed class DkimSigning(MasterKey masterKey)
{
    // The headers that say who sent what to whom; signed when present. From is always present and always signed.
    private static readonly HeaderId[] Signed =
    [
        HeaderId.From, HeaderId.To, HeaderId.Cc, HeaderId.ReplyTo, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId,
        HeaderId.MimeVersion, HeaderId.ContentType, HeaderId.ListUnsubscribe, HeaderId.ListUnsubscribePost,
    ];

    private readonly ConcurrentDictionary<Guid, Signer> _signers = new();

    public void Sign(MimeMessage message, DkimKey key)
    {
        ArgumentNullException.ThrowIfNull(message);
        var signer = _signers.GetOrAdd(key.Id, _ => Create(key));
        var headers = Signed.Where(h => h == HeaderId.From || message.Headers.Contains(h)).ToList();
        message.Prepare(EncodingConstraint.SevenBit);
        signer.Sign(message, headers);
    }

    private Signer Create(DkimKey key)
    {
        var secret = masterKey.Unseal(key.SealedPrivateKey);
        try
        {
            if (key.Algorithm == DkimAlgorithm.Ed25519)
            {
                return new Signer(new Ed25519PrivateKeyParameters(secret), null, key.Domain, key.Selector, DkimSignatureAlgorithm.Ed25519Sha256);
            }

            // One key object per processor: .NET does not promise that concurrent use of one is safe, and one locked
            // object would let only one core sign at a time.
            var keys = new RSA[Environment.ProcessorCount];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = RSA.Create();
                keys[i].ImportPkcs8PrivateKey(secret, out _);
            }

            return new Signer(PrivateKeyFactory.CreateKey(secret), new RsaKeys(keys), key.Domain, key.Selector, DkimSignatureAlgorithm.RsaSha256);
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

    private sealed class Signer : DkimSigner
    {
        private readonly RsaKeys? _rsa;

        public Signer(AsymmetricKeyParameter key, RsaKeys? rsa, string domain, string selector, DkimSignatureAlgorithm algorithm)
            : base(key, domain, selector, algorithm)
        {
            _rsa = rsa;
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
        }

        protected override ISigner CreateSigningContext() => _rsa is null ? base.CreateSigningContext() : new DotNetRsaSigner(_rsa);
    }
}
