using System.ComponentModel.DataAnnotations;
using Communique.Auth;
using Communique.Communications;
using Communique.Data;
using Communique.Http;
using Communique.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Archive;

// What the team archives and keeps: its policies per channel (whether to archive, how long), its legal holds, and the
// purge that applies them. Administrators change them; whoever reads the archive may read them.
public static class ArchiveRulesApi
{
    private const int MaxHeldIds = 10_000;

    public static void MapArchiveRules(this RouteGroupBuilder group)
    {
        group.MapGet("/policies", Policies)
            .WithSummary("The team's archiving policies: one per channel, and \"all\" for the channels without one. "
                + "With none, every message is archived and kept for ever.");
        group.MapPut("/policies/{scope}", PutPolicy).RequireAccess(Area.Archive, Access.Edit)
            .WithSummary("Set the policy of a channel (email, document, chat, video, push) or of all: whether its "
                + "messages are archived, and for how long (years and days; none: for ever). A retention applies to "
                + "what is archived from then on: no entry is ever given an earlier date.");
        group.MapDelete("/policies/{scope}", DeletePolicy).RequireAccess(Area.Archive, Access.Edit)
            .WithSummary("Remove a policy: the channel follows the policy for all, or the default.");
        group.MapGet("/holds", Holds).WithSummary("The team's legal holds, newest first, active and released.");
        group.MapPost("/holds", PutHold).RequireAccess(Area.Archive, Access.Edit)
            .WithSummary("Place a legal hold, with a reason, on entries by id or on a saved search (the query string "
                + "of GET /archive/entries, which covers entries archived later too). Nothing it covers is purged "
                + "or deleted until it is released.");
        group.MapPost("/holds/{id:guid}/release", ReleaseHold).RequireAccess(Area.Archive, Access.Edit)
            .WithSummary("Release a legal hold: what it covered is purged when its retention has passed.");
        group.MapPost("/purge", Purge).RequireAccess(Area.Archive, Access.Edit)
            .WithSummary("Run the purge now as a job (it also runs by itself at each retention date): the content "
                + "of every entry whose retention has passed and that no hold covers is removed; its tombstone stays.");
    }

    private static async Task<Ok<List<ArchivePolicyResponse>>> Policies(AppDb db, CancellationToken cancellationToken)
    {
        var rows = await db.ArchivePolicies.AsNoTracking().OrderBy(p => p.Scope).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(ArchivePolicyResponse.From).ToList());
    }

    private static async Task<Results<Ok<ArchivePolicyResponse>, ValidationProblem>> PutPolicy(
        string scope, ArchivePolicyRequest request, AppDb db, ArchivePolicies policies,
        CancellationToken cancellationToken)
    {
        if (scope != ArchivePolicy.AllChannels && !WireNames.TryParse<Channel>(scope, out _))
        {
            return Problems.Invalid("scope", "Must be all or a channel: email, document, chat, video, push.");
        }

        if (request.Retention is { } retention
            && (retention.Years is < 0 or > 100 || retention.Days is < 0 or > 36_500
                || (retention.Years ?? 0) + (retention.Days ?? 0) == 0))
        {
            return Problems.Invalid("retention", "Years from 0 to 100 and days from 0 to 36500, not both 0 (omit "
                + "retention to keep for ever).");
        }

        var policy = await db.ArchivePolicies.FirstOrDefaultAsync(p => p.Scope == scope, cancellationToken);
        if (policy is null)
        {
            policy = new ArchivePolicy { Scope = scope };
            db.ArchivePolicies.Add(policy);
        }

        policy.Archive = request.Archive ?? true;
        policy.RetentionYears = request.Retention?.Years ?? (request.Retention is null ? null : 0);
        policy.RetentionDays = request.Retention?.Days ?? (request.Retention is null ? null : 0);
        policy.UpdatedAt = db.Now;
        policy.UpdatedBy = db.Tenant.Caller!.SubjectId;
        await db.SaveChangesAsync(cancellationToken);
        policies.Forget(db.Tenant.TeamId);
        return TypedResults.Ok(ArchivePolicyResponse.From(policy));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeletePolicy(
        string scope, AppDb db, ArchivePolicies policies, CancellationToken cancellationToken)
    {
        var removed = await db.ArchivePolicies.Where(p => p.Scope == scope).ExecuteDeleteAsync(cancellationToken);
        policies.Forget(db.Tenant.TeamId);
        return removed == 0 ? Problems.NotFound("archive policy") : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Page<ArchiveHoldResponse>>, ValidationProblem>> Holds(
        AppDb db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        var rows = await db.ArchiveHolds.AsNoTracking()
            .Where(h => after == null || h.Id.CompareTo(after.Value) < 0)
            .OrderByDescending(h => h.Id).Take(take + 1).ToListAsync(cancellationToken);
        var ids = rows.Select(h => h.Id).ToList();
        var counts = await db.ArchiveHeldEntries.Where(h => ids.Contains(h.HoldId)).GroupBy(h => h.HoldId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count,
                cancellationToken);
        return TypedResults.Ok(Paging.Build(
            rows.Select(h => ArchiveHoldResponse.From(h, counts.GetValueOrDefault(h.Id))).ToList(), take, h => h.Id));
    }

    private static async Task<Results<Created<ArchiveHoldResponse>, ValidationProblem>> PutHold(
        ArchiveHoldRequest request, AppDb db, CancellationToken cancellationToken)
    {
        var reason = request.Reason?.Trim() ?? "";
        if (reason.Length is 0 or > 1000)
        {
            return Problems.Invalid("reason", "A reason of 1 to 1000 characters is needed.");
        }

        var ids = request.EntryIds?.Distinct().ToList() ?? [];
        if ((ids.Count > 0) == (request.Search is not null))
        {
            return Problems.Invalid("entryIds", "Give either entryIds or search.");
        }

        string? saved = null;
        if (request.Search is { } query)
        {
            var (search, field, refusal) = query.Length > 2000 ? (null, "search", "At most 2000 characters.")
                : ArchiveSearch.Parse(query);
            if (search is null)
            {
                return Problems.Invalid("search", $"{field}: {refusal}");
            }

            if (search.IsEmpty)
            {
                return Problems.Invalid("search", "Name at least one field: a hold on every entry is not a search.");
            }

            saved = search.Canonical();
        }

        if (ids.Count > MaxHeldIds)
        {
            return Problems.Invalid("entryIds", $"At most {MaxHeldIds} ids; hold more by a search.");
        }

        var known = await db.ArchiveEntries.Where(e => ids.Contains(e.Id)).Select(e => e.Id)
            .ToListAsync(cancellationToken);
        if (known.Count != ids.Count)
        {
            return Problems.Invalid("entryIds", "No entry of this team has the id "
                + ids.First(i => !known.Contains(i)) + ".");
        }

        var hold = new ArchiveHold
        {
            Reason = reason,
            Search = saved,
            SetAt = db.Now,
            SetBy = db.Tenant.Caller!.SubjectId,
        };
        db.ArchiveHolds.Add(hold);
        db.ArchiveHeldEntries.AddRange(ids.Select(id => new ArchiveHeldEntry { HoldId = hold.Id, EntryId = id }));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/archive/holds/{hold.Id}", ArchiveHoldResponse.From(hold, ids.Count));
    }

    private static async Task<Results<Ok<ArchiveHoldResponse>, ProblemHttpResult>> ReleaseHold(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var hold = await db.ArchiveHolds.FirstOrDefaultAsync(h => h.Id == id, cancellationToken);
        if (hold is null)
        {
            return Problems.NotFound("legal hold");
        }

        if (hold.IsActive)
        {
            hold.ReleasedAt = db.Now;
            hold.ReleasedBy = db.Tenant.Caller!.SubjectId;
            await db.SaveChangesAsync(cancellationToken);
            // What it held may be due already.
            await db.EnqueueOnceAsync(ArchivePurge.JobKind, ArchivePurge.JobKey(db.Tenant.TeamId),
                cancellationToken: cancellationToken);
        }

        var count = await db.ArchiveHeldEntries.CountAsync(h => h.HoldId == id, cancellationToken);
        return TypedResults.Ok(ArchiveHoldResponse.From(hold, count));
    }

    private static async Task<Accepted<JobResponse>> Purge(AppDb db, CancellationToken cancellationToken)
    {
        var job = db.EnqueueJob(ArchivePurge.JobKind, maxAttempts: 3);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted($"/jobs/{job.Id}", JobResponse.From(job));
    }
}

public sealed record ArchiveRetention(int? Years, int? Days);

public sealed record ArchivePolicyRequest(bool? Archive, ArchiveRetention? Retention);

public sealed record ArchivePolicyResponse(
    string Scope, bool Archive, ArchiveRetention? Retention, DateTime UpdatedAt, Guid UpdatedBy)
{
    public static ArchivePolicyResponse From(ArchivePolicy p) => new(p.Scope, p.Archive,
        p.RetentionYears is null && p.RetentionDays is null ? null : new ArchiveRetention(p.RetentionYears,
            p.RetentionDays), p.UpdatedAt, p.UpdatedBy);
}

public sealed record ArchiveHoldRequest(
    [MaxLength(1000)] string? Reason, [MaxLength(10_000)] List<Guid>? EntryIds, [MaxLength(2000)] string? Search);

public sealed record ArchiveHoldResponse(
    Guid Id, string Reason, string? Search, int EntryCount, bool Active, DateTime SetAt, Guid SetBy,
    DateTime? ReleasedAt, Guid? ReleasedBy)
{
    public static ArchiveHoldResponse From(ArchiveHold h, int entryCount) => new(h.Id, h.Reason, h.Search,
        entryCount, h.IsActive, h.SetAt, h.SetBy, h.ReleasedAt, h.ReleasedBy);
}
