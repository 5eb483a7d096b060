using System.Text.Encodings.Web;
using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Microsoft.EntityFrameworkCore;

namespace Communique.Senders;

// The page the verification link opens (Public API, no sign-in). Opening the link shows a button; only pressing it
// verifies, so that mail scanners that fetch every link in an email do not verify addresses on their own.
public static class SenderVerificationPage
{
    public static RouteGroupBuilder MapSenderVerification(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/public/senders").WithTags("Sender verification").WithGroupName("public")
            .AllowAnonymous();
        group.MapGet("/verify", Show).WithSummary("The confirmation page a verification link opens.");
        group.MapPost("/verify", Confirm).DisableAntiforgery().WithBodyLimit(PublicPages.MaxFormBytes)
            .WithSummary("Confirm a sender address (the page's button).");
        return group;
    }

    private static async Task<IResult> Show(
        string? token, AppDb db, MasterKey keys, CancellationToken cancellationToken)
    {
        var (sender, problem) = await FindAsync(token, db, keys, cancellationToken);
        if (sender is null)
        {
            return problem!;
        }

        var address = HtmlEncoder.Default.Encode(sender.Address);
        return PublicPages.Page(200, "Confirm your sender address", $"""
            <p>Confirm that <b>{address}</b> may be used as a sender address.</p>
            <form method="post" action="verify">
            <input type="hidden" name="token" value="{HtmlEncoder.Default.Encode(token!)}">
            <button type="submit">Confirm {address}</button></form>
            """);
    }

    private static async Task<IResult> Confirm(
        HttpRequest request, AppDb db, MasterKey keys, CancellationToken cancellationToken)
    {
        var token = request.HasFormContentType ? (await request.ReadFormAsync(cancellationToken))["token"].ToString()
            : null;
        var (sender, problem) = await FindAsync(token, db, keys, cancellationToken);
        if (sender is null)
        {
            return problem!;
        }

        sender.VerifiedAt = db.Now;
        sender.TokenHash = null;
        sender.TokenExpiresAt = null;
        sender.UpdatedAt = db.Now;
        await db.SaveChangesAcrossTeamsAsync(cancellationToken);
        return PublicPages.Page(200, "Sender address confirmed",
            $"<p><b>{HtmlEncoder.Default.Encode(sender.Address)}</b> is confirmed: email may now be sent from it.</p>");
    }

    private static async Task<(Sender? Sender, IResult? Problem)> FindAsync(
        string? token, AppDb db, MasterKey keys, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return (null, PublicPages.Page(400, "Link incomplete",
                "<p>This link is incomplete. Open the whole link from the verification email.</p>"));
        }

        var hash = keys.HashSecret(token);
        var sender = await db.Senders.IgnoreQueryFilters()
            .FirstOrDefaultAsync(s => s.TokenHash == hash, cancellationToken);
        if (sender is null)
        {
            return (null, PublicPages.Page(404, "Link not valid",
                "<p>This link is not valid any more: it was used already, or a newer verification email replaced "
                + "it.</p>"));
        }

        return sender.TokenExpiresAt <= db.Now
            ? (null, PublicPages.Page(410, "Link expired",
                "<p>This link has expired. Ask for a new verification email from the sender settings.</p>"))
            : (sender, null);
    }
}
