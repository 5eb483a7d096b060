using System.Security.Cryptography;
using System.Text.Json;
using Communique.Auth;
using Communique.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Communique.Archive;

// The installation's archive key: Ed25519, kept with the token keys (sealed with the master key) under the algorithm
// EdDSA. The newest one signs tree heads; every one ever made is published, so that a head signed years ago still
// verifies.
public sealed class ArchiveSigner(IServiceScopeFactory scopes, MasterKey master, TimeProvider clock) : IDisposable
{
    public const string Algorithm = "EdDSA";

    private readonly SemaphoreSlim _loading = new(1, 1);
    private (string Id, Ed25519PrivateKeyParameters Key)? _signing;

    public async Task<(string KeyId, byte[] Signature)> SignAsync(byte[] statement, CancellationToken cancellationToken)
    {
        var (id, key) = _signing ?? await LoadAsync(cancellationToken);
        var signer = new Ed25519Signer();
        signer.Init(forSigning: true, key);
        signer.BlockUpdate(statement, 0, statement.Length);
        return (id, signer.GenerateSignature());
    }

    // The public keys as a JSON Web Key Set (RFC 8037's OKP keys).
    public async Task<byte[]> KeysAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var keys = await db.SigningKeys.AsNoTracking().Where(k => k.Algorithm == Algorithm)
            .OrderBy(k => k.CreatedAt).Select(k => new { k.Id, k.PublicKey }).ToListAsync(cancellationToken);
        var published = keys.Select(k => new Dictionary<string, string>
        {
            ["kty"] = "OKP", ["crv"] = "Ed25519", ["x"] = Base64UrlEncoder.Encode(k.PublicKey), ["kid"] = k.Id,
            ["use"] = "sig", ["alg"] = Algorithm,
        });
        return JsonSerializer.SerializeToUtf8Bytes(new { keys = published });
    }

    public void Dispose() => _loading.Dispose();

    private async Task<(string Id, Ed25519PrivateKeyParameters Key)> LoadAsync(CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_signing is { } loaded)
            {
                return loaded;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            var key = await db.SigningKeys.AsNoTracking()
                .Where(k => k.Algorithm == Algorithm && k.RetiredAt == null)
                .OrderByDescending(k => k.CreatedAt).FirstOrDefaultAsync(cancellationToken);
            if (key is null)
            {
                var seed = RandomNumberGenerator.GetBytes(Ed25519PrivateKeyParameters.KeySize);
                key = new SigningKey
                {
                    Id = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
                    Algorithm = Algorithm,
                    SealedPrivateKey = master.Seal(seed),
                    PublicKey = new Ed25519PrivateKeyParameters(seed).GeneratePublicKey().GetEncoded(),
                    CreatedAt = clock.GetUtcNow().UtcDateTime,
                };
                db.SigningKeys.Add(key);
                await db.SaveChangesAsync(cancellationToken);
            }

            var signing = (key.Id, new Ed25519PrivateKeyParameters(master.Unseal(key.SealedPrivateKey)));
            _signing = signing;
            return signing;
        }
        finally
        {
            _loading.Release();
        }
    }
}
