using System.Security.Cryptography;
using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace Communique.Credentials;

public static class CredentialsApi
{
    public static RouteGroupBuilder MapCredentials(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/credentials").WithTags("Client credentials").WithGroupName("users")
            .RequireTeamCaller().RequireAccess(Area.TeamAdministration, Access.Edit);
        group.MapGet("", List).WithSummary("The team's client credentials (never their secrets).");
        group.MapPost("", Create).WithSummary("Create a client credential; the secret is returned this once.");
        group.MapGet("/{id:guid}", Get).WithSummary("One client credential.");
        group.MapPost("/{id:guid}/regenerate", Regenerate)
            .WithSummary("Replace the secret; the old secret and every token minted from it stop working at once.");
        group.MapDelete("/{id:guid}", Delete).WithSummary("Delete a client credential and end its API access.");
        return group;
    }

    private static async Task<Results<Ok<Page<CredentialResponse>>, ValidationProblem>> List(
        AppDb db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        var rows = await db.Credentials.AsNoTracking()
            .Where(c => after == null || c.Id.CompareTo(after.Value) > 0)
            .OrderBy(c => c.Id).Take(take + 1)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows.Select(CredentialResponse.From).ToList(), take, c => c.Id));
    }

    private static async Task<Results<Ok<CredentialResponse>, ProblemHttpResult>> Get(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var credential = await db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return credential is null
            ? Problems.NotFound("credential")
            : TypedResults.Ok(CredentialResponse.From(credential));
    }

    private static async Task<Results<Created<IssuedCredentialResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateCredentialRequest request, TenantContext tenant, AppDb db, MasterKey master,
        CancellationToken cancellationToken)
    {
        if (!Roles.TryParse(request.Role, out var role))
        {
            return Problems.Invalid("role", $"Must be one of: {string.Join(", ", Roles.AllNames)}.");
        }

        var caller = tenant.Caller!;
        if (!caller.Role.CanGrant(role.Value))
        {
            return Problems.Forbidden("A credential cannot hold a role above its creator's.");
        }

        var (credential, secret) = Issue(
            request.Name!.Trim(), role.Value, $"{caller.Kind.ToString().ToLowerInvariant()}:{caller.SubjectId}",
            master, db.Now);
        db.Credentials.Add(credential);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/credentials/{credential.Id}",
            new IssuedCredentialResponse(
                credential.Id, credential.Name, credential.ClientId, secret, role.Value.Name(), credential.CreatedAt));
    }

    private static async Task<Results<Ok<IssuedCredentialResponse>, ProblemHttpResult>> Regenerate(
        Guid id, AppDb db, MasterKey master, SubjectStamps stamps, CancellationToken cancellationToken)
    {
        var credential = await db.Credentials.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (credential is null)
        {
            return Problems.NotFound("credential");
        }

        var secret = NewSecret();
        credential.SecretHash = master.HashSecret(secret);
        credential.Stamp = Guid.NewGuid().ToString("N");
        credential.RegeneratedAt = db.Now;
        await db.SaveChangesAsync(cancellationToken);
        stamps.Forget(credential.Id);
        return TypedResults.Ok(new IssuedCredentialResponse(
            credential.Id, credential.Name, credential.ClientId, secret, credential.Role.Name(), credential.CreatedAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, AppDb db, SubjectStamps stamps, CancellationToken cancellationToken)
    {
        var deleted = await db.Credentials.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken);
        stamps.Forget(id);
        return deleted == 0 ? Problems.NotFound("credential") : TypedResults.NoContent();
    }

    public static (ClientCredential Credential, string Secret) Issue(
        string name, Role role, string createdBy, MasterKey master, DateTime now)
    {
        var secret = NewSecret();
        var credential = new ClientCredential
        {
            Name = name,
            ClientId = "cq-" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(15)),
            SecretHash = master.HashSecret(secret),
            Role = role,
            CreatedBy = createdBy,
            CreatedAt = now,
        };
        return (credential, secret);
    }

    // 256 bits from the operating system's CSPRNG.
    private static string NewSecret() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
}
