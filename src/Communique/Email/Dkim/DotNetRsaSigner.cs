using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;

namespace Communique.Email.Dkim;

// MimeKit signs through BouncyCastle's ISigner; its RSA is about ten times slower than .NET's, which uses the
// platform's OpenSSL. This adapter hashes with SHA-256 as MimeKit feeds it and signs the digest with .NET's RSA
// (PKCS #1 v1.5, what rsa-sha256 DKIM signatures are).
internal sealed class DotNetRsaSigner(RSA key) : ISigner
{
    private IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public string AlgorithmName => "SHA-256withRSA";

    public void Init(bool forSigning, ICipherParameters parameters)
    {
        if (!forSigning)
        {
            throw new NotSupportedException("This signer only signs.");
        }

        Reset();
    }

    public void Update(byte input) => _hash.AppendData([input]);

    public void BlockUpdate(byte[] input, int inOff, int inLen) => _hash.AppendData(input, inOff, inLen);

    public void BlockUpdate(ReadOnlySpan<byte> input) => _hash.AppendData(input);

    public int GetMaxSignatureSize() => key.KeySize / 8;

    public byte[] GenerateSignature()
    {
        var digest = _hash.GetHashAndReset();
        // One key object serves every sender thread; .NET does not promise that concurrent use of one is safe.
        lock (key)
        {
            return key.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
    }

    public bool VerifySignature(byte[] signature) => throw new NotSupportedException("This signer only signs.");

    public void Reset()
    {
        _hash.Dispose();
        _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    }
}
