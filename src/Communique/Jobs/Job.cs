using Communique.Tenancy;

namespace Communique.Jobs;

public sealed class Job : ITeamOwned
{
    public const int DefaultMaxAttempts = 5;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    // Guid.Empty for operator-level jobs that belong to no team.
    public Guid TeamId { get; set; }
    public required string Kind { get; set; }

    // Jobs that share a key run one at a time, and at most one of them waits queued (JobScheduling.EnqueueOnceAsync):
    // a job that drains work for its key, such as a team's transactional messages, is asked for many times and runs
    // once for all of them.
    public string? Key { get; set; }
    public string? Payload { get; set; }
    public JobState State { get; set; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }
    public int Progress { get; set; }

    // Opaque resume point a long job persists so that a re-claimed job continues where it stopped.
    public string? Cursor { get; set; }
    public string? Result { get; set; }
    public string? Error { get; set; }
    public bool CancelRequested { get; set; }
    public string? LeaseToken { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }
    public DateTime RunAfter { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    public bool IsFinished => State is JobState.Succeeded or JobState.Dead or JobState.Cancelled;
}
