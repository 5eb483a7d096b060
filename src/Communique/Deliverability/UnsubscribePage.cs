using System.Text.Encodings.Web;
using Communique.Communications;
using Communique.Data;
using Communique.Email.Compose;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Deliverability;

// Unsubscribing from a message's link (Public API, no sign-in; the signed token names the message, so it can only
// ever unsubscribe that message's recipient from that message's team):
// - GET shows a page to confirm, choosing the email's category or everything from the team (plain HTML form, no
//   script), so that link scanners that open every link unsubscribe no one;
// - POST with the body `List-Unsubscribe=One-Click` is RFC 8058's one-click request from a mailbox provider: it
//   unsubscribes from the category at once and answers 200 with no page;
// - POST from the page's form unsubscribes as chosen and shows the result;
// - POST /public/unsubscribe with JSON {token, scope} does the same for integrations.
public static class UnsubscribePage
{
    public static RouteGroupBuilder MapUnsubscribe(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/public/unsubscribe").WithTags("Unsubscribe").WithGroupName("public")
            .AllowAnonymous();
        group.MapGet("/{token}", Show).WithSummary("The page an unsubscribe link opens.");
        group.MapPost("/{token}", Post).DisableAntiforgery().WithBodyLimit(PublicPages.MaxFormBytes)
            .WithSummary("RFC 8058 one-click unsubscribe (body List-Unsubscribe=One-Click), or the page's form.");
        group.MapPost("", Json).WithBodyLimit(PublicPages.MaxFormBytes)
            .WithSummary("Unsubscribe with a message's token (scope: category, the default, or all).");
        return group;
    }

    private sealed record Target(Guid TeamId, Guid SendId, Guid MessageId, Guid CommunicationId, string Address,
        string Category);

    private static async Task<Target?> FindAsync(
        string? token, MailTokens tokens, AppDb db, CancellationToken cancellationToken)
    {
        if (tokens.Read(token) is not { Kind: MailTokenKind.Unsubscribe } read)
        {
            return null;
        }

        var row = await db.OutboundMessages.IgnoreQueryFilters().AsNoTracking().Where(m => m.Id == read.MessageId)
            .Join(db.CampaignSends.IgnoreQueryFilters(), m => m.SendId, s => s.Id, (m, s) =>
                new { m.TeamId, m.SendId, m.Address, s.CommunicationId, s.Content })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        var content = System.Text.Json.JsonSerializer.Deserialize<EmailContent>(row.Content,
            System.Text.Json.JsonSerializerOptions.Web);
        var category = string.IsNullOrWhiteSpace(content?.UnsubscribeCategory) ? UnsubscribeCategory.Default
            : content.UnsubscribeCategory.Trim();
        return new Target(row.TeamId, row.SendId, read.MessageId, row.CommunicationId,
            Addresses.Normalize(row.Address), category);
    }

    private static async Task<IResult> Show(
        string token, MailTokens tokens, AppDb db, CancellationToken cancellationToken)
    {
        if (await FindAsync(token, tokens, db, cancellationToken) is not { } target)
        {
            return NotValid();
        }

        var choices = await ChoicesAsync(db, target, cancellationToken);
        var boxes = string.Concat(choices.Select((c, i) => $"""
            <p><input type="checkbox" id="category-{i}" name="category" value="{HtmlEncoder.Default.Encode(c)}"{
                (c == target.Category ? " checked" : "")}>
            <label for="category-{i}">{HtmlEncoder.Default.Encode(c)} emails</label></p>
            """));
        return PublicPages.Page(200, "Unsubscribe", $"""
            <p>Stop emails to <b>{HtmlEncoder.Default.Encode(target.Address)}</b>:</p>
            <form method="post">
            <fieldset><legend>Which emails?</legend>
            {boxes}
            <p><input type="checkbox" id="scope-all" name="scope" value="all">
            <label for="scope-all">All emails from this sender</label></p>
            </fieldset>
            <button type="submit">Unsubscribe</button>
            </form>
            """);
    }

    // The email's own category first, then the team's other categories.
    private static async Task<List<string>> ChoicesAsync(AppDb db, Target target, CancellationToken cancellationToken)
    {
        var names = await db.UnsubscribeCategories.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.TeamId == target.TeamId)
            .OrderBy(c => c.Name).Select(c => c.Name).ToListAsync(cancellationToken);
        return [target.Category, .. names.Where(n => n != target.Category)];
    }

    private static async Task<IResult> Post(
        string token, HttpRequest request, MailTokens tokens, AppDb db, CancellationToken cancellationToken)
    {
        var form = request.HasFormContentType ? await request.ReadFormAsync(cancellationToken) : null;
        var oneClick = form is not null && form["List-Unsubscribe"].ToString() == "One-Click";
        var target = await FindAsync(token, tokens, db, cancellationToken);
        if (target is null)
        {
            return oneClick ? Results.NotFound() : NotValid();
        }

        if (oneClick)
        {
            await UnsubscribeAsync(db, target, [target.Category], cancellationToken);
            return Results.Ok();
        }

        var all = form is not null && form["scope"].ToString() == "all";
        var offered = await ChoicesAsync(db, target, cancellationToken);
        var chosen = form is null ? [] : form["category"].Where(c => c is not null && offered.Contains(c))
            .Select(c => c!).Distinct().ToList();
        List<string?> categories = all ? [null] : chosen.Count > 0 ? [.. chosen] : [target.Category];
        await UnsubscribeAsync(db, target, categories, cancellationToken);
        var what = all ? "any more emails from this sender"
            : $"any more {string.Join(", ", categories.Select(c => HtmlEncoder.Default.Encode(c!)))} emails";
        return PublicPages.Page(200, "You are unsubscribed",
            $"<p><b>{HtmlEncoder.Default.Encode(target.Address)}</b> will not receive {what}.</p>");
    }

    private static async Task<Results<Ok<UnsubscribeResponse>, ProblemHttpResult, ValidationProblem>> Json(
        UnsubscribeRequest request, MailTokens tokens, AppDb db, CancellationToken cancellationToken)
    {
        if (request.Scope is not (null or "category" or "all"))
        {
            return Problems.Invalid("scope",
                "Use \"category\" (the email's unsubscribe category, the default) or \"all\".");
        }

        if (await FindAsync(request.Token, tokens, db, cancellationToken) is not { } target)
        {
            return Problems.NotFound("unsubscribe token");
        }

        var all = request.Scope == "all";
        await UnsubscribeAsync(db, target, [all ? null : target.Category], cancellationToken);
        return TypedResults.Ok(new UnsubscribeResponse(target.Address, all ? null : target.Category, true));
    }

    // RFC 2369's mailto: a message to the List-Unsubscribe address with subject "unsubscribe <token>" (read from the
    // bounce mailbox) unsubscribes the message's recipient from the email's category, like the one-click POST.
    public static async Task<bool> ByMailAsync(
        string token, MailTokens tokens, AppDb db, CancellationToken cancellationToken)
    {
        if (await FindAsync(token, tokens, db, cancellationToken) is not { } target)
        {
            return false;
        }

        await UnsubscribeAsync(db, target, [target.Category], cancellationToken);
        return true;
    }

    // Idempotent: unsubscribing twice leaves one entry per category. A null category is every category.
    private static async Task UnsubscribeAsync(
        AppDb db, Target target, IReadOnlyList<string?> categories, CancellationToken cancellationToken)
    {
        foreach (var category in categories)
        {
            await Suppression.UnsubscribeAsync(
                db, target.TeamId, target.Address, category, UnsubscribeReason.Recipient, target.CommunicationId,
                target.MessageId, cancellationToken);
        }

        var all = categories.Contains(null);
        db.MessageEvents.Add(new MessageEvent
        {
            TeamId = target.TeamId, SendId = target.SendId, MessageId = target.MessageId, Kind = EventKind.Unsubscribe,
                At = db.Now,
            Detail = all ? "all" : string.Join(", ", categories),
        });
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveChangesAcrossTeamsAsync(cancellationToken);
        // Counted once per message, however often its link is used.
        var first = await db.OutboundMessages.IgnoreQueryFilters()
            .Where(m => m.Id == target.MessageId && m.UnsubscribedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.UnsubscribedAt, db.Now), cancellationToken);
        if (first > 0)
        {
            await Campaigns.Stats.AddAsync(db, target.TeamId, target.SendId,
                new Campaigns.StatsDelta { Unsubscribes = 1 }, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static IResult NotValid() =>
        PublicPages.Page(404, "Link not valid",
            "<p>This unsubscribe link is not valid. Open the whole link from the email you received.</p>");
}
