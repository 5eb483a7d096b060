using Communique.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Jobs;

// Claims jobs for a worker. A job is claimable when it is queued and due, or running with an expired lease
// (its worker died), and no other job of its key (if it has one) holds a live lease. The claim is one statement, so two
// workers never hold the same job.
public sealed class JobStore(IServiceScopeFactory scopes, TimeProvider clock, IOptions<JobOptions> options)
{
    public async Task<JobLease?> ClaimAsync(CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N");
        var now = clock.GetUtcNow().UtcDateTime;
        var leaseUntil = now.AddSeconds(options.Value.LeaseSeconds);

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var claimed = db.Database.SqlQueryRaw<Guid>(
            db is PostgresAppDb ? PostgresClaim : SqliteClaim, token, leaseUntil, now);
        var ids = await claimed.ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return null;
        }

        var job = await db.Jobs.IgnoreQueryFilters().AsNoTracking().FirstAsync(j => j.Id == ids[0], cancellationToken);
        return new JobLease(job, token, scopes, clock, options.Value);
    }

    // PostgreSQL locks the row it picks and skips rows other claims have locked, so concurrent workers take different
    // jobs instead of queueing on one. SQLite has one writer at a time, so the inner select and the update cannot
    // interleave with another claim there.
    private static readonly string PostgresClaim = Claim("""FOR UPDATE OF "c" SKIP LOCKED""");
    private static readonly string SqliteClaim = Claim("");

    // {0} is the lease token, {1} the lease's end, {2} now.
    private static string Claim(string lockSuffix) => $$"""
        UPDATE "Jobs" SET "State" = 'Running', "LeaseToken" = {0}, "LeaseExpiresAt" = {1},
            "Attempts" = "Attempts" + 1, "StartedAt" = COALESCE("StartedAt", {2}), "UpdatedAt" = {2}
        WHERE "Id" = (
            SELECT "c"."Id" FROM "Jobs" AS "c"
            WHERE (("c"."State" = 'Queued' AND "c"."RunAfter" <= {2})
                    OR ("c"."State" = 'Running' AND "c"."LeaseExpiresAt" < {2}))
                AND ("c"."Key" IS NULL OR NOT EXISTS (SELECT 1 FROM "Jobs" AS "r"
                    WHERE "r"."Key" = "c"."Key" AND "r"."State" = 'Running' AND "r"."LeaseExpiresAt" >= {2}))
            ORDER BY "c"."RunAfter" LIMIT 1
            {{lockSuffix}})
        RETURNING "Id" AS "Value"
        """;
}
