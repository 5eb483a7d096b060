using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Jobs;

public sealed record JobResponse(
    Guid Id, string Kind, string State, int Progress, int Attempts, int MaxAttempts, string? Error, string? Result,
    bool CancelRequested, DateTime CreatedAt, DateTime RunAfter, DateTime? StartedAt, DateTime? CompletedAt)
{
    public static JobResponse From(Job j) => new(
        j.Id, j.Kind, j.State.ToString().ToLowerInvariant(), j.Progress, j.Attempts, j.MaxAttempts, j.Error, j.Result,
        j.CancelRequested, j.CreatedAt, j.RunAfter, j.StartedAt, j.CompletedAt);
}

// The team's long operations: status, progress and error of each, and cancellation.
public static class JobsApi
{
    public static RouteGroupBuilder MapJobs(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/jobs").WithTags("Jobs").WithGroupName("private").RequireTeamCaller();
        group.MapGet("", List).WithSummary("The team's jobs, newest first.");
        group.MapGet("/{id:guid}", Get).WithSummary("One job: state, progress, attempts and error.");
        group.MapPost("/{id:guid}/cancel", Cancel).WithSummary("Cancel a queued job, or ask a running one to stop.");
        return group;
    }

    private static async Task<Results<Ok<Page<JobResponse>>, ValidationProblem>> List(
        AppDb db, string? state, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        JobState? wanted = null;
        if (state is not null)
        {
            if (!Enum.TryParse<JobState>(state, ignoreCase: true, out var parsed) || int.TryParse(state, out _))
            {
                return Problems.Invalid("state", "Must be one of: queued, running, succeeded, dead, cancelled.");
            }

            wanted = parsed;
        }

        var rows = await db.Jobs.AsNoTracking()
            .Where(j => wanted == null || j.State == wanted)
            .Where(j => after == null || j.Id.CompareTo(after.Value) < 0)
            .OrderByDescending(j => j.Id).Take(take + 1)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows.Select(JobResponse.From).ToList(), take, j => j.Id));
    }

    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> Get(Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        return job is null ? Problems.NotFound("job") : TypedResults.Ok(JobResponse.From(job));
    }

    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> Cancel(Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var now = db.Now;
        await db.Jobs.Where(j => j.Id == id && j.State == JobState.Queued).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.State, JobState.Cancelled)
            .SetProperty(j => j.CancelRequested, true)
            .SetProperty(j => j.CompletedAt, now)
            .SetProperty(j => j.UpdatedAt, now), cancellationToken);
        await db.Jobs.Where(j => j.Id == id && j.State == JobState.Running).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.CancelRequested, true)
            .SetProperty(j => j.UpdatedAt, now), cancellationToken);

        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        return job is null ? Problems.NotFound("job") : TypedResults.Ok(JobResponse.From(job));
    }
}
