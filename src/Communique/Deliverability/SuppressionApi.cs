using System.Text;
using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Communique.Senders;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Deliverability;

// The team's suppression lists (Private API): unsubscribed recipients (one category, or all when the category is
// null), blacklisted domains, whitelisted emails; and a lookup of an address's hard bounce: on the global list, which
// only operators change (`communique hard-bounces remove`), or the team's own (an unsubscribe entry to remove).
public static class SuppressionApi
{
    public static RouteGroupBuilder MapUnsubscribes(this IEndpointRouteBuilder app)
    {
        var unsubscribes = app.MapGroup("/unsubscribes").WithTags("Unsubscribes").WithGroupName("private")
            .RequireTeamCaller();
        unsubscribes.MapGet("", ListUnsubscribes).RequireAccess(Area.Suppression, Access.View)
            .WithSummary("Unsubscribed recipients; search by part of the address, filter by category or reason.");
        unsubscribes.MapGet("/export", ExportUnsubscribes).RequireAccess(Area.Suppression, Access.View)
            .WithSummary("Every unsubscribed recipient as CSV (address, category, reason, last communication, times).");
        unsubscribes.MapPost("", AddUnsubscribe).RequireAccess(Area.Suppression, Access.Edit)
            .WithSummary("Unsubscribe an address (reason manual); no category means every category.");
        unsubscribes.MapPut("/{id:guid}", EditUnsubscribe).RequireAccess(Area.Suppression, Access.Edit)
            .WithSummary("Change an entry's address or category (manual and recipient entries only).");
        unsubscribes.MapDelete("/{id:guid}", RemoveUnsubscribe).RequireAccess(Area.Suppression, Access.Edit)
            .WithSummary("Remove an entry: the address may be emailed again.");
        return unsubscribes;
    }

    public static RouteGroupBuilder MapBlacklistedDomains(this IEndpointRouteBuilder app)
    {
        var domains = app.MapGroup("/blacklisted-domains").WithTags("Blacklisted domains").WithGroupName("private")
            .RequireTeamCaller();
        domains.MapGet("", ListDomains).RequireAccess(Area.Suppression, Access.View)
            .WithSummary("Domains the team never sends to.");
        domains.MapPost("", AddDomain).RequireAccess(Area.Suppression, Access.Edit)
            .WithSummary("Blacklist a domain (not its subdomains).");
        domains.MapDelete("/{id:guid}", RemoveDomain).RequireAccess(Area.Suppression, Access.Edit)
            .WithSummary("Remove a domain from the list.");
        return domains;
    }

    public static RouteGroupBuilder MapWhitelistedEmails(this IEndpointRouteBuilder app)
    {
        var whitelist = app.MapGroup("/whitelisted-emails").WithTags("Whitelisted emails").WithGroupName("private")
            .RequireTeamCaller();
        whitelist.MapGet("", ListWhitelist).RequireAccess(Area.Suppression, Access.View)
            .WithSummary(
                "Addresses sent to even when unsubscribed or in a blacklisted domain (never past a hard bounce).");
        whitelist.MapPost("", AddWhitelist).RequireAccess(Area.Suppression, Access.Edit)
            .WithSummary("Whitelist an address.");
        whitelist.MapDelete("/{id:guid}", RemoveWhitelist).RequireAccess(Area.Suppression, Access.Edit)
            .WithSummary("Remove an address from the list.");
        return whitelist;
    }

    public static RouteGroupBuilder MapHardBounces(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/hard-bounces").WithTags("Hard bounces").WithGroupName("private").RequireTeamCaller();
        group.MapGet("/{address}", HardBounceOf).RequireAccess(Area.Suppression, Access.View)
            .WithSummary("Whether an address hard-bounced (the global list, or the team's own reports), and why.");
        return group;
    }

    private static async Task<Results<Ok<Page<UnsubscribeEntry>>, ValidationProblem>> ListUnsubscribes(
        AppDb db, string? search, string? category, string? reason, int? limit, string? cursor,
        CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        UnsubscribeReason? wanted = null;
        if (reason is not null)
        {
            if (!WireNames.TryParse<UnsubscribeReason>(reason, out var parsed))
            {
                return Problems.Invalid("reason", "Use manual, recipient, hard-bounce or complaint.");
            }

            wanted = parsed;
        }

        var part = search?.Trim().ToLowerInvariant();
        var rows = await db.Unsubscribes.AsNoTracking()
            .Where(u => (part == null || u.Address.Contains(part)) && (category == null || u.Category == category)
                        && (wanted == null || u.Reason == wanted) && (after == null || u.Id.CompareTo(after.Value) > 0))
            .OrderBy(u => u.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows.Select(UnsubscribeEntry.From).ToList(), take, u => u.Id));
    }

    private static async Task ExportUnsubscribes(HttpContext context, AppDb db, CancellationToken cancellationToken)
    {
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = "attachment; filename=\"unsubscribes.csv\"";
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false));
        await writer.WriteLineAsync("address,category,reason,last_communication_id,created_at,updated_at");
        await foreach (var u in db.Unsubscribes.AsNoTracking().OrderBy(u => u.Id).AsAsyncEnumerable()
            .WithCancellation(cancellationToken))
        {
            await writer.WriteLineAsync(string.Join(',',
                Csv(u.Address), Csv(u.Category ?? ""), WireNames.Of(u.Reason), u.LastCommunicationId?.ToString() ?? "",
                u.CreatedAt.ToString("O"), u.UpdatedAt.ToString("O")));
        }
    }

    private static string Csv(string value) => Reporting.ReportsApi.Csv(value);

    private static async Task<Results<Created<UnsubscribeEntry>, ValidationProblem, ProblemHttpResult>> AddUnsubscribe(
        UnsubscribeEntryRequest request, AppDb db, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } invalid)
        {
            return invalid;
        }

        var (address, category) = (Addresses.Normalize(request.Address!), Category(request.Category));
        if (await db.Unsubscribes.AnyAsync(u => u.Address == address && u.Category == category, cancellationToken))
        {
            return Problems.Conflict(category is null ? $"'{address}' is already unsubscribed from every category."
                : $"'{address}' is already unsubscribed from '{category}'.");
        }

        var entry = new Unsubscribe
        {
            Address = address, Category = category, Reason = UnsubscribeReason.Manual, CreatedAt = db.Now,
            UpdatedAt = db.Now,
        };
        db.Unsubscribes.Add(entry);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/unsubscribes/{entry.Id}", UnsubscribeEntry.From(entry));
    }

    private static async Task<Results<Ok<UnsubscribeEntry>, ValidationProblem, ProblemHttpResult>> EditUnsubscribe(
        Guid id, UnsubscribeEntryRequest request, AppDb db, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } invalid)
        {
            return invalid;
        }

        var entry = await db.Unsubscribes.FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (entry is null)
        {
            return Problems.NotFound("unsubscribe entry");
        }

        if (!entry.IsEditable)
        {
            return Problems.Conflict(
                $"An entry with reason '{WireNames.Of(entry.Reason)}' cannot be edited; it can only be removed.");
        }

        var (address, category) = (Addresses.Normalize(request.Address!), Category(request.Category));
        if (await db.Unsubscribes.AnyAsync(u => u.Id != id && u.Address == address && u.Category == category,
            cancellationToken))
        {
            var from = category is null ? "every category" : $"'{category}'";
            return Problems.Conflict($"Another entry already unsubscribes '{address}' from {from}.");
        }

        entry.Address = address;
        entry.Category = category;
        entry.UpdatedAt = db.Now;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(UnsubscribeEntry.From(entry));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveUnsubscribe(
        Guid id, AppDb db, CancellationToken cancellationToken) =>
        await db.Unsubscribes.Where(u => u.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? Problems.NotFound("unsubscribe entry")
            : TypedResults.NoContent();

    private static ValidationProblem? Validate(UnsubscribeEntryRequest request) =>
        !SendersApi.IsMailbox(request.Address!.Trim())
            ? Problems.Invalid("address", "Give one email address, like reader@example.com.")
            : request.Category is { } c && string.IsNullOrWhiteSpace(c)
                ? Problems.Invalid("category", "Name a category, or leave it out to unsubscribe from every category.")
                : null;

    private static string? Category(string? category) => category?.Trim();

    private static async Task<Results<Ok<Page<DomainEntry>>, ValidationProblem>> ListDomains(
        AppDb db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        var rows = await db.BlacklistedDomains.AsNoTracking()
            .Where(d => after == null || d.Id.CompareTo(after.Value) > 0)
            .OrderBy(d => d.Id).Take(take + 1).Select(d => new DomainEntry(d.Id, d.Domain, d.CreatedAt))
                .ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows, take, d => d.Id));
    }

    private static async Task<Results<Created<DomainEntry>, ValidationProblem, ProblemHttpResult>> AddDomain(
        DomainRequest request, AppDb db, CancellationToken cancellationToken)
    {
        var domain = request.Domain!.Trim().TrimEnd('.').ToLowerInvariant();
        if (Uri.CheckHostName(domain) != UriHostNameType.Dns || !domain.Contains('.', StringComparison.Ordinal))
        {
            return Problems.Invalid("domain", "Give a domain name such as example.com, without @ or a scheme.");
        }

        var entry = new BlacklistedDomain { Domain = domain, CreatedAt = db.Now };
        db.BlacklistedDomains.Add(entry);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Problems.Conflict($"'{domain}' is already blacklisted.");
        }

        return TypedResults.Created($"/blacklisted-domains/{entry.Id}",
            new DomainEntry(entry.Id, entry.Domain, entry.CreatedAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveDomain(
        Guid id, AppDb db, CancellationToken cancellationToken) =>
        await db.BlacklistedDomains.Where(d => d.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? Problems.NotFound("blacklisted domain")
            : TypedResults.NoContent();

    private static async Task<Results<Ok<Page<AddressEntry>>, ValidationProblem>> ListWhitelist(
        AppDb db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        var rows = await db.WhitelistedEmails.AsNoTracking()
            .Where(w => after == null || w.Id.CompareTo(after.Value) > 0)
            .OrderBy(w => w.Id).Take(take + 1).Select(w => new AddressEntry(w.Id, w.Address, w.CreatedAt))
                .ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows, take, w => w.Id));
    }

    private static async Task<Results<Created<AddressEntry>, ValidationProblem, ProblemHttpResult>> AddWhitelist(
        AddressRequest request, AppDb db, CancellationToken cancellationToken)
    {
        if (!SendersApi.IsMailbox(request.Address!.Trim()))
        {
            return Problems.Invalid("address", "Give one email address, like reader@example.com.");
        }

        var entry = new WhitelistedEmail { Address = Addresses.Normalize(request.Address), CreatedAt = db.Now };
        db.WhitelistedEmails.Add(entry);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Problems.Conflict($"'{entry.Address}' is already whitelisted.");
        }

        return TypedResults.Created($"/whitelisted-emails/{entry.Id}",
            new AddressEntry(entry.Id, entry.Address, entry.CreatedAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveWhitelist(
        Guid id, AppDb db, CancellationToken cancellationToken) =>
        await db.WhitelistedEmails.Where(w => w.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? Problems.NotFound("whitelisted email")
            : TypedResults.NoContent();

    private static async Task<Results<Ok<HardBounceEntry>, ProblemHttpResult>> HardBounceOf(
        string address, AppDb db, CancellationToken cancellationToken)
    {
        var key = Addresses.Normalize(address);
        var global = await db.HardBounces.AsNoTracking().FirstOrDefaultAsync(h => h.Address == key, cancellationToken);
        if (global is not null)
        {
            return TypedResults.Ok(new HardBounceEntry(
                global.Address, "global", global.Detail, global.Count, global.CreatedAt, global.LastBouncedAt));
        }

        // The team's own entry, with the detail of its own message (both under the team's query filter).
        var own = await db.Unsubscribes.AsNoTracking()
            .Where(u => u.Address == key && u.Reason == UnsubscribeReason.HardBounce)
            .Select(u => new { u.CreatedAt, u.UpdatedAt, u.MessageId }).FirstOrDefaultAsync(cancellationToken);
        if (own is null)
        {
            return Problems.NotFound("hard bounce for this address");
        }

        var detail = await db.OutboundMessages.AsNoTracking().Where(m => m.Id == own.MessageId)
            .Select(m => m.BounceDetail).FirstOrDefaultAsync(cancellationToken);
        return TypedResults.Ok(
            new HardBounceEntry(key, "team", detail ?? "hard bounce", null, own.CreatedAt, own.UpdatedAt));
    }
}
