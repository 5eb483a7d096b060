using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.Jobs;

public static class JobCancellation
{
    // Queued jobs are cancelled at once; running ones are asked to stop (their worker sees it at its next heartbeat).
    public static async Task CancelJobsAsync(this AppDb db, IQueryable<Job> jobs, CancellationToken cancellationToken)
    {
        var now = db.Now;
        await jobs.Where(j => j.State == JobState.Queued).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.State, JobState.Cancelled)
            .SetProperty(j => j.CancelRequested, true)
            .SetProperty(j => j.CompletedAt, now)
            .SetProperty(j => j.UpdatedAt, now), cancellationToken);
        await jobs.Where(j => j.State == JobState.Running).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.CancelRequested, true)
            .SetProperty(j => j.UpdatedAt, now), cancellationToken);
    }
}
