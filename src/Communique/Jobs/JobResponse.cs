namespace Communique.Jobs;

public sealed record JobResponse(
    Guid Id, string Kind, string State, int Progress, int Attempts, int MaxAttempts, string? Error, string? Result,
    bool CancelRequested, DateTime CreatedAt, DateTime RunAfter, DateTime? StartedAt, DateTime? CompletedAt)
{
    public static JobResponse From(Job j) => new(
        j.Id, j.Kind, j.State.ToString().ToLowerInvariant(), j.Progress, j.Attempts, j.MaxAttempts, j.Error, j.Result,
        j.CancelRequested, j.CreatedAt, j.RunAfter, j.StartedAt, j.CompletedAt);
}
