using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;

namespace Communique.Email.Dkim;

// MimeKit signs through BouncyCastle's ISigner; its RSA is about ten times slower than .NET's, which uses the
// platform's OpenSSL. This adapter hashes with SHA-256 as MimeKit feeds it and signs the digest with .NET's RSA
// (PKCS #1 v1.5, what rsa-sha256 DKIM signatures are).
internal sealed class DotNetRsaSigner(RsaKeys keys) : ISigner
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

    public int GetMaxSignatureSize() => keys.KeySize / 8;

    public byte[] GenerateSignature() => keys.SignHash(_hash.GetHashAndReset());

    public bool VerifySignature(byte[] signature) => throw new NotSupportedException("This signer only signs.");

    public void Reset()
    {
        _hash.Dispose();
        _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    }
}

// Copies of one RSA key, used in turn, each by one thread at a time.
internal sealed class RsaKeys(RSA[] copies)
{
    private int _next;

    public int KeySize => copies[0].KeySize;

    public byte[] SignHash(byte[] digest)
    {
        var key = copies[(int)((uint)Interlocked.Increment(ref _next) % (uint)copies.Length)];
        lock (key)
        {
            return key.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
    }
}
