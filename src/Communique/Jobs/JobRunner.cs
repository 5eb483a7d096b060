using Communique.Tenancy;
using Microsoft.Extensions.Options;

namespace Communique.Jobs;

// Claims one job and runs it to an outcome, heartbeating its lease meanwhile.
public sealed class JobRunner(JobStore store, IServiceScopeFactory scopes, IOptions<JobOptions> options,
    ILogger<JobRunner> log)
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
