namespace Communique.Jobs;

// One implementation per kind of job, registered with AddJobHandler<T>(kind, area).
public interface IJobHandler
{
    Task RunAsync(JobContext job, CancellationToken cancellationToken);

    // Called once when the job has ended without success for good (dead-lettered, or stopped on a cancel request), so
    // that what it works on does not wait for it any more (a send that would stay scheduled, a training that would
    // stay training).
    Task EndedAsync(JobContext job, JobState state, string? failure, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
