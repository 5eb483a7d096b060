using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Jobs;

// A worker's hold on one claimed job. Every write is conditional on the lease token, so a worker that lost
// its lease (it stalled and another worker re-claimed the job) can no longer change the job.
public sealed class JobLease(Job job, string token, IServiceScopeFactory scopes, TimeProvider clock, JobOptions options)
{
    public Job Job => job;
    public string Token => token;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
    private DateTime Renewed => Now.AddSeconds(options.LeaseSeconds);

    public async Task<LeaseStatus> HeartbeatAsync(CancellationToken cancellationToken)
    {
        var renewed = Renewed;
        var now = Now;
        var held = await UpdateAsync(j => j.SetProperty(x => x.LeaseExpiresAt, renewed)
            .SetProperty(x => x.UpdatedAt, now), cancellationToken);
        if (held == 0)
        {
            return LeaseStatus.Lost;
        }

        return await WithDbAsync(db => db.Jobs.IgnoreQueryFilters()
            .AnyAsync(j => j.Id == job.Id && j.CancelRequested, cancellationToken))
            ? LeaseStatus.CancelRequested
            : LeaseStatus.Held;
    }

    public async Task ReportAsync(int progress, string? cursor, CancellationToken cancellationToken)
    {
        var renewed = Renewed;
        var now = Now;
        var held = await UpdateAsync(j => j
            .SetProperty(x => x.Progress, progress)
            .SetProperty(x => x.Cursor, cursor)
            .SetProperty(x => x.LeaseExpiresAt, renewed)
            .SetProperty(x => x.UpdatedAt, now), cancellationToken);
        if (held == 0)
        {
            throw new OperationCanceledException("The job's lease was lost.");
        }
    }

    public Task<int> SucceedAsync(string? result, CancellationToken cancellationToken)
    {
        var now = Now;
        return UpdateAsync(j => j
            .SetProperty(x => x.State, JobState.Succeeded)
            .SetProperty(x => x.Progress, 100)
            .SetProperty(x => x.Result, result)
            .SetProperty(x => x.Error, (string?)null)
            .SetProperty(x => x.LeaseToken, (string?)null)
            .SetProperty(x => x.LeaseExpiresAt, (DateTime?)null)
            .SetProperty(x => x.CompletedAt, now)
            .SetProperty(x => x.UpdatedAt, now), cancellationToken);
    }

    public Task<int> CancelledAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        return UpdateAsync(j => j
            .SetProperty(x => x.State, JobState.Cancelled)
            .SetProperty(x => x.LeaseToken, (string?)null)
            .SetProperty(x => x.LeaseExpiresAt, (DateTime?)null)
            .SetProperty(x => x.CompletedAt, now)
            .SetProperty(x => x.UpdatedAt, now), cancellationToken);
    }

    // Retries with exponential backoff until the job has used its attempts; then it is dead-lettered.
    public Task<int> FailAsync(string error, bool permanent, CancellationToken cancellationToken)
    {
        var now = Now;
        if (permanent || job.Attempts >= job.MaxAttempts)
        {
            return UpdateAsync(j => j
                .SetProperty(x => x.State, JobState.Dead)
                .SetProperty(x => x.Error, error)
                .SetProperty(x => x.LeaseToken, (string?)null)
                .SetProperty(x => x.LeaseExpiresAt, (DateTime?)null)
                .SetProperty(x => x.CompletedAt, now)
                .SetProperty(x => x.UpdatedAt, now), cancellationToken);
        }

        var delay = Math.Min(options.RetryMaxSeconds, options.RetryBaseSeconds * Math.Pow(2, job.Attempts - 1));
        var runAfter = now.AddSeconds(delay);
        return UpdateAsync(j => j
            .SetProperty(x => x.State, JobState.Queued)
            .SetProperty(x => x.Error, error)
            .SetProperty(x => x.RunAfter, runAfter)
            .SetProperty(x => x.LeaseToken, (string?)null)
            .SetProperty(x => x.LeaseExpiresAt, (DateTime?)null)
            .SetProperty(x => x.UpdatedAt, now), cancellationToken);
    }

    private Task<int> UpdateAsync(
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<Job>> setters,
        CancellationToken cancellationToken) =>
        WithDbAsync(db => db.Jobs.IgnoreQueryFilters()
            .Where(j => j.Id == job.Id && j.LeaseToken == token)
            .ExecuteUpdateAsync(setters, cancellationToken));

    private async Task<T> WithDbAsync<T>(Func<AppDb, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<AppDb>());
    }
}
