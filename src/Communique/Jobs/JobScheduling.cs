using System.Text.Json;
using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Jobs;

public static class JobScheduling
{
    // Adds the job to the unit of work, so it is committed with the data it concerns, or not at all.
    public static Job EnqueueJob(
        this AppDb db, string kind, object? payload = null, int maxAttempts = Job.DefaultMaxAttempts,
        DateTime? runAfter = null)
    {
        var now = db.Now;
        var job = new Job
        {
            Kind = kind,
            Payload = payload is null ? null : JsonSerializer.Serialize(payload),
            State = JobState.Queued,
            MaxAttempts = maxAttempts,
            RunAfter = runAfter ?? now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Jobs.Add(job);
        return job;
    }

    // Asks for a job of the caller's team under a key: a new one when none of that key waits queued, otherwise the
    // waiting one runs no later than runAfter. A job of the key that is running meanwhile does not count: it may have
    // looked for its work already, so the new one runs after it. Written at once, in the caller's transaction if any.
    // Keys are one space for every team: a key for a team's work names the team.
    public static async Task EnqueueOnceAsync(
        this AppDb db, string kind, string key, DateTime? runAfter = null, int maxAttempts = Job.DefaultMaxAttempts,
        CancellationToken cancellationToken = default)
    {
        var now = db.Now;
        var due = runAfter ?? now;
        var added = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Jobs" ("Id", "TeamId", "Kind", "Key", "State", "Attempts", "MaxAttempts", "Progress",
                "CancelRequested", "RunAfter", "CreatedAt", "UpdatedAt")
            VALUES ({Guid.CreateVersion7()}, {db.Tenant.TeamId}, {kind}, {key}, 'Queued', 0, {maxAttempts}, 0, {false},
                {due}, {now}, {now})
            ON CONFLICT DO NOTHING
            """, cancellationToken);
        // In SQL rather than ExecuteUpdate: EF evaluates the setters' values anew on every execution, a cost this call,
        // made once per transactional call, should not carry.
        if (added == 0)
        {
            await db.Database.ExecuteSqlAsync($"""
                UPDATE "Jobs" SET "RunAfter" = {due}, "UpdatedAt" = {now}
                WHERE "Key" = {key} AND "State" = 'Queued' AND "RunAfter" > {due}
                """, cancellationToken);
        }
    }
}
