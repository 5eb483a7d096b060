using System.Globalization;
using System.Text.RegularExpressions;
using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Email.Dkim;

public static partial class DkimKeysApi
{
    public static RouteGroupBuilder MapDkimKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/dkim-keys").WithTags("DKIM keys").WithGroupName("private").RequireTeamCaller();
        group.MapGet("", List).RequireAccess(Area.Campaigns, Access.View)
            .WithSummary("The team's DKIM keys with the DNS records to publish.");
        group.MapPost("", Create).RequireAccess(Area.TeamAdministration, Access.Edit)
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
        DkimKeyRequest request, AppDb db, MasterKey masterKey, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var domain = DkimKey.NormalizeDomain(request.Domain);
        if (domain is null)
        {
            errors["domain"] =
                ["A domain name, like example.com: letters, digits and hyphens in dot-separated labels."];
        }

        var selector = request.Selector ?? "cq" + db.Now.ToString("yyyyMM", CultureInfo.InvariantCulture);
        if (!SelectorPattern().IsMatch(selector))
        {
            errors["selector"] =
                ["1 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen."];
        }

        var algorithm = DkimAlgorithm.Rsa;
        if (request.Algorithm is not null && !WireNames.TryParse(request.Algorithm, out algorithm))
        {
            errors["algorithm"] = ["'rsa' (RSA-2048, the default) or 'ed25519'."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var (privateKey, publicKey) = DkimSigning.Generate(algorithm);
        var key = new DkimKey
        {
            Domain = domain!,
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

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex SelectorPattern();
}
