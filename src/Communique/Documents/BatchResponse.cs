using Communique.Jobs;

namespace Communique.Documents;

// A batch as its job stands: state (queued, running, succeeded, dead, cancelled) and progress; once it has succeeded,
// its counts, the records that failed, and its files with their download links until they expire.
public sealed record BatchResponse(
    Guid Id, string State, int Progress, string? Error, int? Records, int? Made, int? Failed,
    IReadOnlyList<BatchFailure>? Failures, IReadOnlyList<BatchFileResponse>? Files, DateTime? ExpiresAt,
    bool Expired, DateTime CreatedAt, DateTime? CompletedAt)
{
    public static BatchResponse From(Job job, BatchResult? result, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(job);
        var expired = result is not null && result.ExpiresAt <= now;
        var files = result is null || expired
            ? null
            : result.Files.Select(f => new BatchFileResponse(
                f.Name, f.ContentType, f.Length, $"/document/batches/{job.Id}/files/{f.Name}")).ToList();
        return new BatchResponse(job.Id, job.State.ToString().ToLowerInvariant(), job.Progress, job.Error,
            result?.Records, result?.Made, result?.Failed, result?.Failures, files, result?.ExpiresAt, expired,
            job.CreatedAt, job.CompletedAt);
    }
}
