using System.Security.Cryptography;
using Communique.Tenancy;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Communique.Auth;

public sealed class TokenIssuer(KeyRing keys, TimeProvider clock, IOptions<AuthOptions> options)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public async Task<string> IssueAsync(Caller caller, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddSeconds(options.Value.TokenLifetimeSeconds),
            SigningCredentials = await keys.SigningCredentialsAsync(cancellationToken),
            Claims = new Dictionary<string, object>
            {
                [TokenClaims.Subject] = caller.SubjectId.ToString(),
                [TokenClaims.SubjectKind] = caller.Kind == SubjectKind.User ? "user" : "credential",
                [TokenClaims.CustomerId] = caller.CustomerId,
                [TokenClaims.Account] = caller.AccountId.ToString(),
                [TokenClaims.Team] = caller.TeamId.ToString(),
                [TokenClaims.Role] = caller.Role.Name(),
                [TokenClaims.Stamp] = caller.Stamp,
                [TokenClaims.TokenId] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
            },
        };
        return _handler.CreateToken(descriptor);
    }
}
