using System.Collections.Concurrent;
using Communique.Tenancy;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Communique.Auth;

// Validates bearer tokens. A token's signature is checked once and the result kept until the token expires,
// because signature verification is the dominant cost of an authenticated request; whether its credential
// or user is still current is asked of SubjectStamps on every request.
public sealed class TokenValidator(
    KeyRing keys, SubjectStamps stamps, TimeProvider clock, IOptions<AuthOptions> options)
{
    private const int MaxCachedTokens = 100_000;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly ConcurrentDictionary<string, (Caller Caller, DateTime Expires)> _verified =
        new(StringComparer.Ordinal);

    public async ValueTask<TokenCheck> CheckAsync(string token, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (!_verified.TryGetValue(token, out var entry))
        {
            var verified = await VerifyAsync(token, cancellationToken);
            if (verified.Caller is null)
            {
                return TokenCheck.Fail(verified.Error!);
            }

            entry = (verified.Caller, verified.Expires);
            if (_verified.Count >= MaxCachedTokens)
            {
                Prune(now);
            }

            _verified.TryAdd(token, entry);
        }

        if (now >= entry.Expires)
        {
            _verified.TryRemove(token, out _);
            return TokenCheck.Fail("The token has expired.");
        }

        return await stamps.IsCurrentAsync(entry.Caller, cancellationToken)
            ? new TokenCheck(entry.Caller, null)
            : TokenCheck.Fail("The token was revoked.");
    }

    private async Task<(Caller? Caller, DateTime Expires, string? Error)> VerifyAsync(
        string token, CancellationToken cancellationToken)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return (null, default, "The token is malformed.");
        }

        if (jwt.Alg != KeyRing.Algorithm)
        {
            return (null, default, "The token is not signed with an accepted algorithm.");
        }

        var key = await keys.FindAsync(jwt.Kid, cancellationToken);
        if (key is null)
        {
            return (null, default, "The token was signed by an unknown key.");
        }

        var result = await _handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = options.Value.Issuer,
            ValidAudience = options.Value.Audience,
            ValidAlgorithms = [KeyRing.Algorithm],
            IssuerSigningKey = key,
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            // Lifetime is checked below against the injected clock.
            ValidateLifetime = false,
        });
        if (!result.IsValid)
        {
            return (null, default, "The token signature or claims are not valid.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (jwt.ValidTo <= now || jwt.ValidFrom > now.AddMinutes(1))
        {
            return (null, default, "The token has expired.");
        }

        var caller = ReadCaller(jwt);
        return caller is null ? (null, default, "The token lacks required claims.") : (caller, jwt.ValidTo, null);
    }

    private static Caller? ReadCaller(JsonWebToken jwt)
    {
        string? Claim(string type) => jwt.TryGetPayloadValue<string>(type, out var v) ? v : null;

        var kind = Claim(TokenClaims.SubjectKind) switch
        {
            "user" => SubjectKind.User,
            "credential" => SubjectKind.Credential,
            _ => (SubjectKind?)null,
        };
        if (kind is null
            || !Guid.TryParse(Claim(TokenClaims.Subject), out var subject)
            || !Guid.TryParse(Claim(TokenClaims.Account), out var account)
            || !Guid.TryParse(Claim(TokenClaims.Team), out var team)
            || !Roles.TryParse(Claim(TokenClaims.Role), out var role)
            || Claim(TokenClaims.CustomerId) is not { } customerId
            || Claim(TokenClaims.Stamp) is not { } stamp)
        {
            return null;
        }

        return new Caller(kind.Value, subject, account, customerId, team, role.Value, stamp);
    }

    private void Prune(DateTime now)
    {
        foreach (var (token, entry) in _verified)
        {
            if (entry.Expires <= now)
            {
                _verified.TryRemove(token, out _);
            }
        }

        if (_verified.Count >= MaxCachedTokens)
        {
            _verified.Clear();
        }
    }
}
