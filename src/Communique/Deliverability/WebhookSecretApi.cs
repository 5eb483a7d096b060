using System.Security.Cryptography;
using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Deliverability;

public static class WebhookSecretApi
{
    public static RouteGroupBuilder MapWebhookSecret(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/webhook-secret").WithTags("Provider webhooks").WithGroupName("private")
            .RequireTeamCaller();
        group.MapPost("", Rotate).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("Make the team's webhook signing secret (replacing any earlier one); it is shown this once.");
        group.MapGet("", Get).RequireAccess(Area.Suppression, Access.View)
            .WithSummary("When the team's webhook secret was made, and where reports go (never the secret).");
        return group;
    }

    private static async Task<Created<WebhookSecretResponse>> Rotate(
        AppDb db, MasterKey master, IOptions<Email.MailOptions> mail, CancellationToken cancellationToken)
    {
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var teamId = db.Tenant.TeamId;
        var existing = await db.WebhookSecrets.FirstOrDefaultAsync(cancellationToken);
        if (existing is null)
        {
            existing = new WebhookSecret { TeamId = teamId, SealedSecret = [] };
            db.Add(existing);
        }

        existing.SealedSecret = master.Seal(System.Text.Encoding.UTF8.GetBytes(secret));
        existing.CreatedAt = db.Now;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created("/webhook-secret", Response(secret, existing, mail, teamId));
    }

    private static async Task<Results<Ok<WebhookSecretResponse>, ProblemHttpResult>> Get(
        AppDb db, IOptions<Email.MailOptions> mail, CancellationToken cancellationToken)
    {
        var existing = await db.WebhookSecrets.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        return existing is null ? Problems.NotFound("webhook secret")
            : TypedResults.Ok(Response(null, existing, mail, existing.TeamId));
    }

    private static WebhookSecretResponse Response(
        string? secret, WebhookSecret s, IOptions<Email.MailOptions> mail, Guid teamId) =>
        new(secret, s.CreatedAt, mail.Value.Link($"/public/webhooks/{teamId}/reports"),
            ProviderWebhook.SignatureHeader, ProviderWebhook.TimestampHeader);
}
