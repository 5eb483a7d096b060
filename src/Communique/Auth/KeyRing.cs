using System.Security.Cryptography;
using System.Text.Json;
using Communique.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Communique.Auth;

// The installation's token signing keys (ES256 rows of SigningKeys), shared by every node through the database.
// The newest unretired key signs; every key that may still have live tokens validates and is published.
public sealed class KeyRing(
    IServiceScopeFactory scopes, MasterKey master, TimeProvider clock, IOptions<AuthOptions> options) : IDisposable
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RefreshOnMissAtMostEvery = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(
        SigningCredentials Signing,
        IReadOnlyDictionary<string, ECDsaSecurityKey> Validating,
        byte[] Jwks,
        long LoadedAtTicks);

    public async ValueTask<SigningCredentials> SigningCredentialsAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).Signing;

    public async ValueTask<byte[]> JwksAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).Jwks;

    public async ValueTask<SecurityKey?> FindAsync(string? kid, CancellationToken cancellationToken)
    {
        if (kid is null)
        {
            return null;
        }

        var snapshot = await CurrentAsync(cancellationToken);
        if (snapshot.Validating.TryGetValue(kid, out var key))
        {
            return key;
        }

        // Another node may have rotated; look again, but never let unknown kids hammer the database.
        if (Environment.TickCount64 - snapshot.LoadedAtTicks < (long)RefreshOnMissAtMostEvery.TotalMilliseconds)
        {
            return null;
        }

        snapshot = await LoadAsync(snapshot, cancellationToken);
        return snapshot.Validating.GetValueOrDefault(kid);
    }

    public void Forget() => _snapshot = null;

    public void Dispose() => _loading.Dispose();

    private ValueTask<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        return snapshot is not null
            && Environment.TickCount64 - snapshot.LoadedAtTicks < (long)RefreshEvery.TotalMilliseconds
            ? ValueTask.FromResult(snapshot)
            : new ValueTask<Snapshot>(LoadAsync(snapshot, cancellationToken));
    }

    private async Task<Snapshot> LoadAsync(Snapshot? seen, CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_snapshot is not null && !ReferenceEquals(_snapshot, seen))
            {
                return _snapshot;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            var keys = await LiveKeysAsync(db, cancellationToken);
            if (!keys.Any(k => k.RetiredAt is null))
            {
                await CreateAsync(db, master, clock, cancellationToken);
                keys = await LiveKeysAsync(db, cancellationToken);
            }

            var validating = keys.ToDictionary(k => k.Id, k => PublicKeyOf(k));
            var signer = keys.Where(k => k.RetiredAt is null).MaxBy(k => k.CreatedAt)!;
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(master.Unseal(signer.SealedPrivateKey), out _);
            var signing = new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = signer.Id }, Algorithm);

            var snapshot = new Snapshot(signing, validating, Jwks(validating), Environment.TickCount64);
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<List<SigningKey>> LiveKeysAsync(AppDb db, CancellationToken cancellationToken)
    {
        // A retired key stays valid until every token it signed has expired, with a margin for clock skew.
        var lifetime = TimeSpan.FromSeconds(options.Value.TokenLifetimeSeconds) + TimeSpan.FromMinutes(5);
        var cutoff = clock.GetUtcNow().UtcDateTime - lifetime;
        return await db.SigningKeys.AsNoTracking()
            .Where(k => k.Algorithm == Algorithm && (k.RetiredAt == null || k.RetiredAt > cutoff))
            .ToListAsync(cancellationToken);
    }

    public static async Task<SigningKey> CreateAsync(
        AppDb db, MasterKey master, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = new SigningKey
        {
            Id = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
            Algorithm = Algorithm,
            SealedPrivateKey = master.Seal(ecdsa.ExportPkcs8PrivateKey()),
            PublicKey = ecdsa.ExportSubjectPublicKeyInfo(),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.SigningKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    // A new key takes over signing now; the keys it replaces keep validating the tokens they signed.
    public static async Task<SigningKey> RotateAsync(
        AppDb db, MasterKey master, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.SigningKeys.Where(k => k.Algorithm == Algorithm && k.RetiredAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RetiredAt, now), cancellationToken);
        return await CreateAsync(db, master, clock, cancellationToken);
    }

    private static ECDsaSecurityKey PublicKeyOf(SigningKey key)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(key.PublicKey, out _);
        return new ECDsaSecurityKey(ecdsa) { KeyId = key.Id };
    }

    private static byte[] Jwks(IReadOnlyDictionary<string, ECDsaSecurityKey> keys)
    {
        var published = keys.Values.Select(k =>
        {
            var p = k.ECDsa.ExportParameters(false);
            return new Dictionary<string, string>
            {
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["x"] = Base64UrlEncoder.Encode(p.Q.X),
                ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
                ["kid"] = k.KeyId,
                ["use"] = "sig",
                ["alg"] = Algorithm,
            };
        });
        return JsonSerializer.SerializeToUtf8Bytes(new { keys = published });
    }
}
