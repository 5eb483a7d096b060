namespace Communique.Jobs;

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
