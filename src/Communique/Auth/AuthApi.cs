using System.Security.Cryptography;
using Communique.Accounts;
using Communique.Data;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Auth;

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
        if (throttle.RetryAfter("client", clientId, http) is { } wait)
        {
            return SignInThrottle.TooMany(http, wait);
        }

        var found = await FindCredential(db, clientId, cancellationToken);

        // The same answer whichever of the three was wrong, and a hash computed either way.
        var matches = master.SecretMatches(request.Secret!, found?.Credential.SecretHash ?? new byte[32]);
        if (found is null || !matches || !string.Equals(found.CustomerId, request.CustomerId, StringComparison.Ordinal))
        {
            throttle.Failed("client", clientId, http);
            return Unauthorized();
        }

        var c = found.Credential;
        var caller = new Caller(
            SubjectKind.Credential, c.Id, found.AccountId, found.CustomerId, c.TeamId, c.Role, c.Stamp);
        return TypedResults.Ok(await issuer.IssueAsync(caller, cancellationToken));
    }

    // An unknown e-mail is answered like a known one with a wrong password: the same 401 after one password hash, the
    // same lock-out after repeated failures from one address (locked against a stand-in user), the same slow-down.
    private static async Task<Results<Ok<LoginResponse>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, AppDb db, IPasswordHasher<User> hasher, TokenIssuer issuer, SignInThrottle throttle,
        IOptions<AuthOptions> options, TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        var email = request.Email!.Trim();
        var identity = email.ToUpperInvariant();
        if (throttle.RetryAfter("login", identity, http) is { } wait)
        {
            return SignInThrottle.TooMany(http, wait);
        }

        var candidates = await LoginCandidates(db, email, request.CustomerId, request.TeamId, cancellationToken);
        var standIn = new User
        {
            Id = StandInId(identity), Email = email, DisplayName = "", PasswordHash = DummyHash(hasher),
        };
        var locked = new List<TimeSpan>();
        var open = new List<User>();
        foreach (var user in candidates.Count == 0 ? [standIn] : candidates)
        {
            if (throttle.LockedFor(user.Id, http) is { } lockedFor)
            {
                locked.Add(lockedFor);
            }
            else
            {
                open.Add(user);
            }
        }

        if (open.Count == 0)
        {
            http.Response.Headers.RetryAfter = SignInThrottle.Seconds(locked.Min());
            return TypedResults.Problem(
                "Sign-ins from this address are locked after repeated failures; try again later.",
                statusCode: 423, title: "Locked", type: ProblemTypes.AccountLocked);
        }

        if (throttle.SlowDown("login", identity) is { } slowDown && slowDown > TimeSpan.Zero)
        {
            await Task.Delay(slowDown, clock, cancellationToken);
        }

        User? signedIn = null;
        var verdict = PasswordVerificationResult.Failed;
        foreach (var user in open)
        {
            verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, request.Password!);
            if (verdict != PasswordVerificationResult.Failed)
            {
                signedIn = user;
                break;
            }
        }

        if (signedIn is null)
        {
            throttle.Failed("login", identity, http);
            var now = db.Now;
            foreach (var user in open.Where(u => throttle.FailedAgainst(u.Id, http) && u != standIn))
            {
                user.LockedUntil = now.AddSeconds(options.Value.LockoutSeconds);
            }

            await db.SaveChangesAsync(cancellationToken);
            return Unauthorized();
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            signedIn.PasswordHash = hasher.HashPassword(signedIn, request.Password!);
            await db.SaveChangesAsync(cancellationToken);
        }

        var teamId = request.TeamId ?? signedIn.DefaultTeamId;
        var membership = await db.Memberships.IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.UserId == signedIn.Id && (teamId == null || m.TeamId == teamId))
            .OrderBy(m => m.CreatedAt)
            .Join(db.Teams, m => m.TeamId, t => t.Id, (m, t) => new { m.TeamId, m.Role, t.AccountId })
            .Join(db.Accounts, x => x.AccountId, a => a.Id,
                (x, a) => new { x.TeamId, x.Role, x.AccountId, a.CustomerId })
            .FirstOrDefaultAsync(cancellationToken);
        if (membership is null)
        {
            return request.TeamId is null
                ? Problems.Forbidden("This user belongs to no team.")
                : Problems.NotFound("team");
        }

        var caller = new Caller(
            SubjectKind.User, signedIn.Id, membership.AccountId, membership.CustomerId, membership.TeamId,
            membership.Role, signedIn.SecurityStamp);
        var token = await issuer.IssueAsync(caller, cancellationToken);
        return TypedResults.Ok(new LoginResponse(
            token, "Bearer", options.Value.TokenLifetimeSeconds, membership.CustomerId, membership.TeamId,
            membership.Role.Name()));
    }

    // The users an e-mail may sign in as: of the named account, of the named team's account, or of at most
    // MaxAccountsPerLogin accounts (oldest first), which bounds the password hashes one request costs.
    private static Task<List<User>> LoginCandidates(
        AppDb db, string email, string? customerId, Guid? teamId, CancellationToken cancellationToken) =>
        db.Users
            .Where(u => u.Email == email)
            .Where(u => customerId == null || db.Accounts.Any(a => a.Id == u.AccountId && a.CustomerId == customerId))
            .Where(u => teamId == null || db.Teams.Any(t => t.Id == teamId && t.AccountId == u.AccountId))
            .OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
            .Take(MaxAccountsPerLogin)
            .ToListAsync(cancellationToken);

    private const int MaxAccountsPerLogin = 3;

    private static Guid StandInId(string identity)
    {
        var key = ThrottleKey.Of("stand-in", identity);
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, (ulong)key);
        BitConverter.TryWriteBytes(bytes[8..], (ulong)(key >> 64));
        return new Guid(bytes);
    }

    // A hash of a random password in the installation's current format, so that checking it costs what checking a
    // real user's password costs.
    private static string DummyHash(IPasswordHasher<User> hasher) =>
        LazyInitializer.EnsureInitialized(ref dummyHash, () => hasher.HashPassword(
            new User { Email = "", DisplayName = "", PasswordHash = "" },
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));

    private static string? dummyHash;

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
            caller.CustomerId, caller.AccountId, caller.TeamId, subject.TeamName, caller.Role.Name(),
            RoleMatrix.Permissions(caller.Role)));
    }

    private sealed record Subject(string Name, string? Email, string TeamName);

    private sealed record FoundCredential(Credentials.ClientCredential Credential, Guid AccountId, string CustomerId);

    // Compiled once per provider (a compiled query belongs to one model): the hot queries of authentication skip
    // EF's per-call expression-tree work.
    private static Task<FoundCredential?> FindCredential(
        AppDb db, string clientId, CancellationToken cancellationToken) =>
        Compiled.Get(db, static () => EF.CompileAsyncQuery((AppDb db, string clientId, CancellationToken _) =>
            db.Credentials.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.ClientId == clientId)
            .Join(db.Teams, c => c.TeamId, t => t.Id, (c, t) => new { Credential = c, t.AccountId })
            .Join(db.Accounts, x => x.AccountId, a => a.Id,
                (x, a) => new FoundCredential(x.Credential, x.AccountId, a.CustomerId))
            .FirstOrDefault()))(db, clientId, cancellationToken);

    private static Task<Subject?> UserSubject(AppDb db, Guid id, CancellationToken cancellationToken) =>
        Compiled.Get(db, static () => EF.CompileAsyncQuery((AppDb db, Guid id, CancellationToken _) =>
            db.Memberships.AsNoTracking()
            .Where(m => m.UserId == id)
            .Join(db.Teams, m => m.TeamId, t => t.Id, (m, t) => new Subject(m.User!.DisplayName, m.User.Email, t.Name))
            .FirstOrDefault()))(db, id, cancellationToken);

    private static Task<Subject?> CredentialSubject(AppDb db, Guid id, CancellationToken cancellationToken) =>
        Compiled.Get(db, static () => EF.CompileAsyncQuery((AppDb db, Guid id, CancellationToken _) =>
            db.Credentials.AsNoTracking()
            .Where(c => c.Id == id)
            .Join(db.Teams, c => c.TeamId, t => t.Id, (c, t) => new Subject(c.Name, null, t.Name))
            .FirstOrDefault()))(db, id, cancellationToken);

    private static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem(
            GenericFailure, statusCode: 401, title: "Unauthorized", type: ProblemTypes.InvalidCredentials);
}
