using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Communique.Accounts;
using Communique.Data;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Auth;

// The wire shape of EngageOne's /authenticate: snake_case fields, a bare JSON string back.
public sealed record AuthenticateRequest(
    [property: JsonPropertyName("client_id"), Required] string? ClientId,
    [property: JsonPropertyName("secret"), Required] string? Secret,
    [property: JsonPropertyName("customer_id"), Required] string? CustomerId);

public sealed record LoginRequest([Required, MaxLength(320)] string? Email, [Required] string? Password, Guid? TeamId);

public sealed record LoginResponse(string AccessToken, string TokenType, int ExpiresIn, string CustomerId, Guid TeamId, string Role);

public sealed record MeResponse(
    string Kind, Guid Id, string Name, string? Email, string CustomerId, Guid AccountId, Guid TeamId, string TeamName, string Role,
    IReadOnlyList<string> Permissions);

public static class AuthApi
{
    private const string GenericFailure = "The credentials are not valid.";

    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Authentication").WithGroupName("users");
        group.MapPost("/authenticate", Authenticate).AllowAnonymous()
            .WithSummary("Exchange client credentials for a token (EngageOne-compatible).");
        group.MapPost("/login", Login).AllowAnonymous()
            .WithSummary("Exchange a team member's e-mail and password for a token.");
        group.MapGet("/.well-known/jwks.json", Jwks).AllowAnonymous()
            .WithSummary("The public keys that verify this installation's tokens.");
        group.MapGet("/me", Me).RequireTeamCaller()
            .WithSummary("Who the token speaks for, in which team, with which role.");
        return group;
    }

    private static async Task<Results<Ok<string>, ValidationProblem, ProblemHttpResult>> Authenticate(
        AuthenticateRequest request, AppDb db, MasterKey master, TokenIssuer issuer, SignInThrottle throttle,
        HttpContext http, CancellationToken cancellationToken)
    {
        var clientId = request.ClientId!;
        if (throttle.RetryAfter("client:" + clientId, http) is { } wait)
        {
            return SignInThrottle.TooMany(http, wait);
        }

        var found = await FindCredential(db, clientId, cancellationToken);

        // The same answer whichever of the three was wrong, and a hash computed either way.
        var matches = master.SecretMatches(request.Secret!, found?.Credential.SecretHash ?? new byte[32]);
        if (found is null || !matches || !string.Equals(found.CustomerId, request.CustomerId, StringComparison.Ordinal))
        {
            throttle.Failed("client:" + clientId, http);
            return Unauthorized();
        }

        var c = found.Credential;
        var caller = new Caller(SubjectKind.Credential, c.Id, found.AccountId, found.CustomerId, c.TeamId, c.Role, c.Stamp);
        return TypedResults.Ok(await issuer.IssueAsync(caller, cancellationToken));
    }

    private static async Task<Results<Ok<LoginResponse>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, AppDb db, IPasswordHasher<User> hasher, TokenIssuer issuer, SignInThrottle throttle,
        IOptions<AuthOptions> options, HttpContext http, CancellationToken cancellationToken)
    {
        var email = request.Email!.Trim();
        var key = "user:" + email.ToUpperInvariant();
        if (throttle.RetryAfter(key, http) is { } wait)
        {
            return SignInThrottle.TooMany(http, wait);
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == email, cancellationToken);
        if (user is null)
        {
            throttle.Failed(key, http);
            return Unauthorized();
        }

        var now = db.Now;
        if (user.LockedUntil > now)
        {
            http.Response.Headers.RetryAfter = SignInThrottle.Seconds(user.LockedUntil.Value - now);
            return TypedResults.Problem("This user is locked after repeated failed sign-ins; try again later.",
                statusCode: 423, title: "Locked", type: ProblemTypes.AccountLocked);
        }

        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, request.Password!);
        if (verdict == PasswordVerificationResult.Failed)
        {
            throttle.Failed(key, http);
            user.FailedLogins++;
            if (user.FailedLogins >= options.Value.LockoutAfterFailedLogins)
            {
                user.LockedUntil = now.AddSeconds(options.Value.LockoutSeconds);
                user.FailedLogins = 0;
            }

            await db.SaveChangesAsync(cancellationToken);
            return Unauthorized();
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, request.Password!);
        }

        user.FailedLogins = 0;
        user.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken);

        var teamId = request.TeamId ?? user.DefaultTeamId;
        var membership = await db.Memberships.IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.UserId == user.Id && (teamId == null || m.TeamId == teamId))
            .OrderBy(m => m.CreatedAt)
            .Join(db.Teams, m => m.TeamId, t => t.Id, (m, t) => new { m.TeamId, m.Role, t.AccountId })
            .Join(db.Accounts, x => x.AccountId, a => a.Id, (x, a) => new { x.TeamId, x.Role, x.AccountId, a.CustomerId })
            .FirstOrDefaultAsync(cancellationToken);
        if (membership is null)
        {
            return request.TeamId is null
                ? Problems.Forbidden("This user belongs to no team.")
                : Problems.NotFound("team");
        }

        var caller = new Caller(SubjectKind.User, user.Id, membership.AccountId, membership.CustomerId, membership.TeamId,
            membership.Role, user.SecurityStamp);
        var token = await issuer.IssueAsync(caller, cancellationToken);
        return TypedResults.Ok(new LoginResponse(token, "Bearer", options.Value.TokenLifetimeSeconds, membership.CustomerId,
            membership.TeamId, membership.Role.Name()));
    }

    private static async Task<IResult> Jwks(KeyRing keys, HttpContext http, CancellationToken cancellationToken)
    {
        http.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Bytes(await keys.JwksAsync(cancellationToken), "application/json");
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> Me(
        TenantContext tenant, AppDb db, CancellationToken cancellationToken)
    {
        var caller = tenant.Caller!;
        var subject = caller.Kind == SubjectKind.User
            ? await UserSubject(db, caller.SubjectId, cancellationToken)
            : await CredentialSubject(db, caller.SubjectId, cancellationToken);
        if (subject is null)
        {
            return Problems.NotFound("subject");
        }

        return TypedResults.Ok(new MeResponse(
            caller.Kind == SubjectKind.User ? "user" : "credential", caller.SubjectId, subject.Name, subject.Email,
            caller.CustomerId, caller.AccountId, caller.TeamId, subject.TeamName, caller.Role.Name(), RoleMatrix.Permissions(caller.Role)));
    }

    private sealed record Subject(string Name, string? Email, string TeamName);

    private sealed record FoundCredential(Credentials.ClientCredential Credential, Guid AccountId, string CustomerId);

    // Compiled once per provider (a compiled query belongs to one model): the hot queries of authentication skip
    // EF's per-call expression-tree work.
    private static Task<FoundCredential?> FindCredential(AppDb db, string clientId, CancellationToken cancellationToken) =>
        Compiled.Get(db, static () => EF.CompileAsyncQuery((AppDb db, string clientId, CancellationToken _) => db.Credentials
            .IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.ClientId == clientId)
            .Join(db.Teams, c => c.TeamId, t => t.Id, (c, t) => new { Credential = c, t.AccountId })
            .Join(db.Accounts, x => x.AccountId, a => a.Id, (x, a) => new FoundCredential(x.Credential, x.AccountId, a.CustomerId))
            .FirstOrDefault()))(db, clientId, cancellationToken);

    private static Task<Subject?> UserSubject(AppDb db, Guid id, CancellationToken cancellationToken) =>
        Compiled.Get(db, static () => EF.CompileAsyncQuery((AppDb db, Guid id, CancellationToken _) => db.Memberships.AsNoTracking()
            .Where(m => m.UserId == id)
            .Join(db.Teams, m => m.TeamId, t => t.Id, (m, t) => new Subject(m.User!.DisplayName, m.User.Email, t.Name))
            .FirstOrDefault()))(db, id, cancellationToken);

    private static Task<Subject?> CredentialSubject(AppDb db, Guid id, CancellationToken cancellationToken) =>
        Compiled.Get(db, static () => EF.CompileAsyncQuery((AppDb db, Guid id, CancellationToken _) => db.Credentials.AsNoTracking()
            .Where(c => c.Id == id)
            .Join(db.Teams, c => c.TeamId, t => t.Id, (c, t) => new Subject(c.Name, null, t.Name))
            .FirstOrDefault()))(db, id, cancellationToken);

    private static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem(GenericFailure, statusCode: 401, title: "Unauthorized", type: ProblemTypes.InvalidCredentials);
}
