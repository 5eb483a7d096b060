using System.Text.Json;
using Communique.Data;
using Communique.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Jobs;

public static class JobScheduling
{
    // Adds the job to the unit of work, so it is committed with the data it concerns, or not at all.
    public static Job EnqueueJob(this AppDb db, string kind, object? payload = null, int maxAttempts = Job.DefaultMaxAttempts, DateTime? runAfter = null)
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
            INSERT INTO "Jobs" ("Id", "TeamId", "Kind", "Key", "State", "Attempts", "MaxAttempts", "Progress", "CancelRequested",
                "RunAfter", "CreatedAt", "UpdatedAt")
            VALUES ({Guid.CreateVersion7()}, {db.Tenant.TeamId}, {kind}, {key}, 'Queued', 0, {maxAttempts}, 0, {false}, {due}, {now}, {now})
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

// Claims one job and runs it to an outcome, heartbeating its lease meanwhile.
public sealed class JobRunner(JobStore store, IServiceScopeFactory scopes, IOptions<JobOptions> options, ILogger<JobRunner> log)
{
    public async Task<bool> RunOneAsync(CancellationToken stopping)
    {
        var lease = await store.ClaimAsync(stopping);
        if (lease is null)
        {
            return false;
        }

        var job = lease.Job;
        if (job.Attempts > job.MaxAttempts)
        {
            var abandoned = job.Error ?? "The job was abandoned by its workers too many times.";
            if (await lease.FailAsync(abandoned, permanent: true, CancellationToken.None) > 0)
            {
                await EndedAsync(lease, JobState.Dead, abandoned);
            }

            return true;
        }

        using var running = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var status = LeaseStatus.Held;
        var heartbeat = Task.Run(async () =>
        {
            var every = TimeSpan.FromSeconds(options.Value.LeaseSeconds / 3);
            while (!running.IsCancellationRequested)
            {
                await Task.Delay(every, running.Token);
                status = await lease.HeartbeatAsync(running.Token);
                if (status != LeaseStatus.Held)
                {
                    await running.CancelAsync();
                }
            }
        }, CancellationToken.None);

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (job.TeamId != Guid.Empty)
            {
                scope.ServiceProvider.GetRequiredService<TenantContext>().EnterTeam(job.TeamId);
            }

            var handler = scope.ServiceProvider.GetKeyedService<IJobHandler>(job.Kind)
                ?? throw new JobFailedException($"No handler is registered for jobs of kind '{job.Kind}'.");
            var context = new JobContext(job, lease);
            await handler.RunAsync(context, running.Token);
            await StopAsync(running, heartbeat);
            await lease.SucceedAsync(context.Result, CancellationToken.None);
        }
        catch (OperationCanceledException) when (running.IsCancellationRequested)
        {
            await StopAsync(running, heartbeat);
            if (status == LeaseStatus.CancelRequested && await lease.CancelledAsync(CancellationToken.None) > 0)
            {
                await EndedAsync(lease, JobState.Cancelled, null);
            }

            // Lost lease: another worker owns the job now. Shutdown: the lease expires and the job is claimed again.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await StopAsync(running, heartbeat);
            log.LogWarning(e, "Job {JobId} ({Kind}) failed on attempt {Attempt}", job.Id, job.Kind, job.Attempts);
            var final = e is JobFailedException || job.Attempts >= job.MaxAttempts;
            var failed = await lease.FailAsync(e.Message, permanent: e is JobFailedException, CancellationToken.None);
            if (failed > 0 && final)
            {
                await EndedAsync(lease, JobState.Dead, e.Message);
            }
        }

        return true;
    }

    // Tells the job's handler that the job ended for good without success; its own failure is logged, not retried.
    private async Task EndedAsync(JobLease lease, JobState state, string? error)
    {
        var job = lease.Job;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (job.TeamId != Guid.Empty)
            {
                scope.ServiceProvider.GetRequiredService<TenantContext>().EnterTeam(job.TeamId);
            }

            if (scope.ServiceProvider.GetKeyedService<IJobHandler>(job.Kind) is { } handler)
            {
                await handler.EndedAsync(new JobContext(job, lease), state, error, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            log.LogError(
                e, "Job {JobId} ({Kind}) ended {State}, and its handler failed to record it", job.Id, job.Kind, state);
        }
    }

    private static async Task StopAsync(CancellationTokenSource running, Task heartbeat)
    {
        await running.CancelAsync();
        try
        {
            await heartbeat;
        }
        catch (OperationCanceledException)
        {
            // The heartbeat ends by cancellation.
        }
    }
}

// The worker role: a few concurrent claim loops over the durable jobs table.
public sealed class JobWorker(
    JobRunner runner, IOptions<JobOptions> options, IOptions<HostingOptions> hosting, ILogger<JobWorker> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => hosting.Value.Role == ProcessRole.Api
        ? Task.CompletedTask
        : Task.WhenAll(Enumerable.Range(0, options.Value.Concurrency).Select(_ => LoopAsync(stoppingToken)));

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        var idle = TimeSpan.FromSeconds(options.Value.PollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await runner.RunOneAsync(stoppingToken))
                {
                    await Task.Delay(idle, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "The job loop failed; retrying");
                await Task.Delay(idle, stoppingToken);
            }
        }
    }
}
