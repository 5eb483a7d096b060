using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Communique.Push.WebPush;

// A team's VAPID identity (RFC 8292): the Authorization header a push service checks, "vapid t=<JWT>, k=<public
// key>", the JWT signed ES256 with the team's private key, its audience the push service's origin (scheme, host and
// any port), its subject the team's contact. Each origin's header is kept until an hour before its JWT expires, so a
// campaign signs once per push service, not once per message.
public sealed class VapidSigner : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromHours(1);
    private static readonly string Header = Base64Url.EncodeToString("{\"typ\":\"JWT\",\"alg\":\"ES256\"}"u8);

    private readonly ECDsa _key;
    private readonly string _publicKey;
    private readonly string _subject;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, (string Value, DateTimeOffset Renew)> _headers = new();

    public VapidSigner(string publicKey, ReadOnlySpan<byte> privateKey, string subject, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        var point = Base64Url.DecodeFromChars(publicKey);
        _key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point[1..33], Y = point[33..] },
            D = privateKey.ToArray(),
        });
        (_publicKey, _subject, _clock) = (publicKey, subject, clock);
    }

    public string PublicKey => _publicKey;

    public string AuthorizationFor(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var audience = endpoint.GetLeftPart(UriPartial.Authority);
        var now = _clock.GetUtcNow();
        if (_headers.TryGetValue(audience, out var kept) && kept.Renew > now)
        {
            return kept.Value;
        }

        // One signature per origin even when many messages ask at once: the push service sees one JWT.
        lock (_headers)
        {
            return _headers.TryGetValue(audience, out kept) && kept.Renew > now ? kept.Value : Sign(audience, now);
        }
    }

    private string Sign(string audience, DateTimeOffset now)
    {
        var expires = now + Lifetime;
        var claims = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["sub"] = _subject,
        });
        var signed = $"{Header}.{Base64Url.EncodeToString(claims)}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var value = string.Create(CultureInfo.InvariantCulture,
            $"vapid t={signed}.{Base64Url.EncodeToString(signature)}, k={_publicKey}");
        _headers[audience] = (value, expires - RenewBefore);
        return value;
    }

    public void Dispose() => _key.Dispose();
}
