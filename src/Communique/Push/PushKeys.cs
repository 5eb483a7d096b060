using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Communique.Auth;
using Communique.Push.WebPush;

namespace Communique.Push;

// Teams' VAPID key pairs: made and sealed here, and opened into a signer once per key.
public sealed class PushKeys(MasterKey masterKey, TimeProvider clock)
{
    private readonly ConcurrentDictionary<(string PublicKey, string Subject), VapidSigner> _opened = new();

    // A new P-256 key pair: the public key as browsers take it (base64url of the uncompressed 65-byte point) and the
    // private scalar, sealed.
    public (string PublicKey, byte[] SealedPrivateKey) Generate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        var point = new byte[65];
        point[0] = 0x04;
        parameters.Q.X!.CopyTo(point, 1);
        parameters.Q.Y!.CopyTo(point, 33);
        var sealedKey = masterKey.Seal(parameters.D!);
        CryptographicOperations.ZeroMemory(parameters.D);
        return (Base64Url.EncodeToString(point), sealedKey);
    }

    // The team's signer, made once per key and subject: it keeps each push service's JWT until near its expiry.
    public VapidSigner VapidOf(PushSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return _opened.GetOrAdd((settings.VapidPublicKey, settings.VapidSubject), static (key, opening) =>
        {
            var (open, seal, clock) = opening;
            var d = open.Unseal(seal);
            try
            {
                return new VapidSigner(key.PublicKey, d, key.Subject, clock);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(d);
            }
        }, (masterKey, settings.SealedVapidPrivateKey, clock));
    }

    public byte[] Unseal(byte[] sealedBytes) => masterKey.Unseal(sealedBytes);

    public byte[] Seal(byte[] plain) => masterKey.Seal(plain);
}
