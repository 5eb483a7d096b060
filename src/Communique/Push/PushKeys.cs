using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Communique.Auth;
using Lib.Net.Http.WebPush.Authentication;

namespace Communique.Push;

// Teams' VAPID key pairs: made and sealed here, and opened into the push client's authentication once per key, whose
// JWTs are kept per push-service origin until an hour before they expire (a campaign signs one per push service,
// not one per message).
public sealed class PushKeys(MasterKey masterKey, TimeProvider clock)
{
    private static readonly TimeSpan JwtLifetime = TimeSpan.FromHours(12);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<(string PublicKey, string Subject), VapidAuthentication> _opened = new();

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

    public VapidAuthentication VapidOf(PushSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return _opened.GetOrAdd((settings.VapidPublicKey, settings.VapidSubject), static (key, opening) =>
        {
            var (open, seal, clock) = opening;
            var d = open.Unseal(seal);
            try
            {
                return new VapidAuthentication(key.PublicKey, Base64Url.EncodeToString(d))
                {
                    Subject = key.Subject,
                    Expiration = (int)JwtLifetime.TotalSeconds,
                    TokenCache = new OriginTokens(clock),
                };
            }
            finally
            {
                CryptographicOperations.ZeroMemory(d);
            }
        }, (masterKey, settings.SealedVapidPrivateKey, clock));
    }

    public byte[] Unseal(byte[] sealedBytes) => masterKey.Unseal(sealedBytes);

    public byte[] Seal(byte[] plain) => masterKey.Seal(plain);

    // One key's JWTs by audience (a push service's origin), until an hour before each expires.
    private sealed class OriginTokens(TimeProvider clock) : IVapidTokenCache
    {
        private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _tokens = new();

        public void Put(string audience, DateTimeOffset expiration, string token) =>
            _tokens[audience] = (token, expiration);

        public string? Get(string audience) =>
            _tokens.TryGetValue(audience, out var kept) && kept.Expires - RenewBefore > clock.GetUtcNow()
                ? kept.Token
                : null;
    }
}
