using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Communique.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Communique.Senders;

public static class SendersApi
{
    public static RouteGroupBuilder MapSenders(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/senders").WithTags("Senders").WithGroupName("private").RequireTeamCaller();
        group.MapGet("", List).RequireAccess(Area.Campaigns, Access.View)
            .WithSummary("The team's sender addresses with their status.");
        group.MapPost("", Add).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("Add a sender address; a verification email with a link valid for 24 hours goes to it.");
        group.MapGet("/{id:guid}", Get).RequireAccess(Area.Campaigns, Access.View).WithSummary("One sender address.");
        group.MapPost("/{id:guid}/resend", Resend).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("Send a new verification link (the previous one stops working).");
        group.MapDelete("/{id:guid}", Delete).RequireAccess(Area.TeamAdministration, Access.Edit)
            .WithSummary("Remove a sender address.");
        return group;
    }

    private static async Task<Results<Ok<Page<SenderResponse>>, ValidationProblem>> List(
        AppDb db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        var rows = await db.Senders.AsNoTracking()
            .Where(s => after == null || s.Id.CompareTo(after.Value) > 0)
            .OrderBy(s => s.Id).Take(take + 1).ToListAsync(cancellationToken);
        var page = rows.Select(s => SenderResponse.From(s, db.Now)).ToList();
        return TypedResults.Ok(Paging.Build(page, take, s => s.Id));
    }

    private static async Task<Results<Ok<SenderResponse>, ProblemHttpResult>> Get(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var sender = await db.Senders.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return sender is null ? Problems.NotFound("sender") : TypedResults.Ok(SenderResponse.From(sender, db.Now));
    }

    private static async Task<Results<Created<SenderResponse>, ValidationProblem, ProblemHttpResult>> Add(
        SenderRequest request, AppDb db, CancellationToken cancellationToken)
    {
        var address = request.Address!;
        if (!IsMailbox(address))
        {
            return Problems.Invalid("address",
                "Give one email address, like news@example.com, without a display name or spaces.");
        }

        var sender = new Sender { Address = address, CreatedAt = db.Now, UpdatedAt = db.Now };
        db.Senders.Add(sender);
        db.EnqueueJob(SenderVerificationJob.Kind, new SenderVerificationJob.Payload(sender.Id));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Problems.Conflict($"The team already has the sender address '{address}'.");
        }

        return TypedResults.Created($"/senders/{sender.Id}", SenderResponse.From(sender, db.Now));
    }

    private static async Task<Results<Accepted<SenderResponse>, ProblemHttpResult>> Resend(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var sender = await db.Senders.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (sender is null)
        {
            return Problems.NotFound("sender");
        }

        if (sender.VerifiedAt is not null)
        {
            return Problems.Conflict($"'{sender.Address}' is already verified.");
        }

        // The old link stops working now; the job makes and mails the new one.
        sender.TokenHash = null;
        sender.TokenExpiresAt = null;
        sender.UpdatedAt = db.Now;
        db.EnqueueJob(SenderVerificationJob.Kind, new SenderVerificationJob.Payload(sender.Id));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted($"/senders/{sender.Id}", SenderResponse.From(sender, db.Now));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, AppDb db, CancellationToken cancellationToken) =>
        await db.Senders.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? Problems.NotFound("sender")
            : TypedResults.NoContent();

    // One bare address: what MimeKit parses as a single mailbox with no display name and no route.
    internal static bool IsMailbox(string text) =>
        text.Length <= 320 && text.Trim() == text && !text.Contains(' ', StringComparison.Ordinal)
        && MailboxAddress.TryParse(ParserOptions.Default, text, out var mailbox)
        && string.IsNullOrEmpty(mailbox.Name) && mailbox.Address == text
            && mailbox.Address.Contains('@', StringComparison.Ordinal)
        && !mailbox.Address.EndsWith('@') && !mailbox.Address.StartsWith('@');
}
