using System.Globalization;
using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Email.Dkim;

public static class DkimKeysApi
{
    public static RouteGroupBuilder MapDkimKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/dkim-keys").WithTags("DKIM keys").WithGroupName("private").RequireTeamCaller();
        group.MapGet("", List).RequireAccess(Area.Campaigns, Access.View)
            .WithSummary("The team's DKIM keys with the DNS records to publish.");
        // The body is checked by RequestShape in the handler.
        group.MapPost("", Create).RequireAccess(Area.TeamAdministration, Access.Edit).DisableValidation()
            .WithSummary("Generate a DKIM key for a domain (RSA-2048 by default, or Ed25519); returns the DNS TXT "
                + "record to publish.");
        group.MapGet("/{id:guid}", Get).RequireAccess(Area.Campaigns, Access.View).WithSummary("One DKIM key.");
        group.MapDelete("/{id:guid}", Delete).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("Delete a DKIM key: messages from its domain are no longer signed with it.");
        return group;
    }

    private static async Task<Ok<Page<DkimKeyResponse>>> List(AppDb db, CancellationToken cancellationToken)
    {
        var keys = await db.DkimKeys.AsNoTracking().OrderBy(k => k.Domain).ThenBy(k => k.Id)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(keys.Select(DkimKeyResponse.From).ToList(), keys.Count, k => k.Id));
    }

    private static async Task<Results<Ok<DkimKeyResponse>, ProblemHttpResult>> Get(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var key = await db.DkimKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        return key is null ? Problems.NotFound("DKIM key") : TypedResults.Ok(DkimKeyResponse.From(key));
    }

    private static async Task<Results<Created<DkimKeyResponse>, ValidationProblem, ProblemHttpResult>> Create(
        DkimKeyRequest request, AppDb db, MasterKey masterKey, IServiceProvider services,
        CancellationToken cancellationToken)
    {
        if (RequestShape.Problem(request, services) is { } invalid)
        {
            return invalid;
        }

        var domain = DkimKey.NormalizeDomain(request.Domain)!;
        var selector = request.Selector ?? "cq" + db.Now.ToString("yyyyMM", CultureInfo.InvariantCulture);
        var algorithm = request.Algorithm is { } name && WireNames.TryParse<DkimAlgorithm>(name, out var named)
            ? named
            : DkimAlgorithm.Rsa;
        var (privateKey, publicKey) = DkimSigning.Generate(algorithm);
        var key = new DkimKey
        {
            Domain = domain,
            Selector = selector,
            Algorithm = algorithm,
            SealedPrivateKey = masterKey.Seal(privateKey),
            PublicKey = publicKey,
            CreatedAt = db.Now,
        };
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(privateKey);
        db.DkimKeys.Add(key);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Problems.Conflict(
                $"The team already has a key with selector '{selector}' for {domain}; choose another selector.");
        }

        return TypedResults.Created($"/dkim-keys/{key.Id}", DkimKeyResponse.From(key));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, AppDb db, CancellationToken cancellationToken) =>
        await db.DkimKeys.Where(k => k.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? Problems.NotFound("DKIM key")
            : TypedResults.NoContent();
}
