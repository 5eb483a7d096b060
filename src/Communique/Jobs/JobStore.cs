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
        var claimed = db is PostgresAppDb
            ? db.Database.SqlQuery<Guid>($"""
                UPDATE "Jobs" SET "State" = 'Running', "LeaseToken" = {token}, "LeaseExpiresAt" = {leaseUntil},
                    "Attempts" = "Attempts" + 1, "StartedAt" = COALESCE("StartedAt", {now}), "UpdatedAt" = {now}
                WHERE "Id" = (
                    SELECT "c"."Id" FROM "Jobs" AS "c"
                    WHERE (("c"."State" = 'Queued' AND "c"."RunAfter" <= {now}) OR ("c"."State" = 'Running' AND "c"."LeaseExpiresAt" < {now}))
                        AND ("c"."Key" IS NULL OR NOT EXISTS (SELECT 1 FROM "Jobs" AS "r"
                            WHERE "r"."Key" = "c"."Key" AND "r"."State" = 'Running' AND "r"."LeaseExpiresAt" >= {now}))
                    ORDER BY "c"."RunAfter" LIMIT 1
                    FOR UPDATE OF "c" SKIP LOCKED)
                RETURNING "Id" AS "Value"
                """)
            // SQLite has one writer at a time, so the inner select and the update cannot interleave with another claim.
            : db.Database.SqlQuery<Guid>($"""
                UPDATE "Jobs" SET "State" = 'Running', "LeaseToken" = {token}, "LeaseExpiresAt" = {leaseUntil},
                    "Attempts" = "Attempts" + 1, "StartedAt" = COALESCE("StartedAt", {now}), "UpdatedAt" = {now}
                WHERE "Id" = (
                    SELECT "c"."Id" FROM "Jobs" AS "c"
                    WHERE (("c"."State" = 'Queued' AND "c"."RunAfter" <= {now}) OR ("c"."State" = 'Running' AND "c"."LeaseExpiresAt" < {now}))
                        AND ("c"."Key" IS NULL OR NOT EXISTS (SELECT 1 FROM "Jobs" AS "r"
                            WHERE "r"."Key" = "c"."Key" AND "r"."State" = 'Running' AND "r"."LeaseExpiresAt" >= {now}))
                    ORDER BY "c"."RunAfter" LIMIT 1)
                RETURNING "Id" AS "Value"
                """);
        var ids = await claimed.ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return null;
        }

        var job = await db.Jobs.IgnoreQueryFilters().AsNoTracking().FirstAsync(j => j.Id == ids[0], cancellationToken);
        return new JobLease(job, token, scopes, clock, options.Value);
    }
}
