namespace Communique.Jobs;

// One implementation per kind of job, registered with AddJobHandler<T>(kind).
public interface IJobHandler
{
    Task RunAsync(JobContext job, CancellationToken cancellationToken);
}

// What a running job sees of itself: its payload, its saved cursor, and a way to report progress.
public sealed class JobContext(Job job, JobLease lease)
{
    public Guid Id => job.Id;
    public Guid TeamId => job.TeamId;
    public string Kind => job.Kind;
    public string? Payload => job.Payload;
    public int Attempt => job.Attempts;

    // Where a previous attempt stopped; null on the first attempt.
    public string? Cursor { get; private set; } = job.Cursor;

    public string? Result { get; set; }

    public async Task ReportAsync(int progress, string? cursor, CancellationToken cancellationToken)
    {
        Cursor = cursor ?? Cursor;
        await lease.ReportAsync(Math.Clamp(progress, 0, 99), Cursor, cancellationToken);
    }
}

// The permanent failure of a job: no retry.
public sealed class JobFailedException(string message) : Exception(message);

public static class JobHandlerRegistration
{
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services, string kind)
        where THandler : class, IJobHandler =>
        services.AddKeyedScoped<IJobHandler, THandler>(kind);
}
