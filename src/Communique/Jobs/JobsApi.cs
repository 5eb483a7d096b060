using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Jobs;

// The team's long operations: status, progress and error of each, and cancellation. A caller sees the jobs of the
// kinds whose area its role may view, and cancels those whose area it may edit (JobKind).
public static class JobsApi
{
    public static RouteGroupBuilder MapJobs(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/jobs").WithTags("Jobs").WithGroupName("private").RequireTeamCaller();
        group.MapGet("", List).WithSummary("The team's jobs that the caller's role may see, newest first.");
        group.MapGet("/{id:guid}", Get).WithSummary("One job: state, progress, attempts and error.");
        group.MapPost("/{id:guid}/cancel", Cancel).WithSummary("Cancel a queued job, or ask a running one to stop. "
            + "A send, an import or a training is cancelled through its own endpoint (409 names it).");
        return group;
    }

    private static async Task<Results<Ok<Page<JobResponse>>, ValidationProblem>> List(
        AppDb db, JobKinds kinds, string? state, int? limit, string? cursor, CancellationToken cancellationToken)
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

        var rows = await Visible(db, kinds)
            .Where(j => wanted == null || j.State == wanted)
            .Where(j => after == null || j.Id.CompareTo(after.Value) < 0)
            .OrderByDescending(j => j.Id).Take(take + 1)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows.Select(JobResponse.From).ToList(), take, j => j.Id));
    }

    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> Get(
        Guid id, AppDb db, JobKinds kinds, CancellationToken cancellationToken)
    {
        var job = await Visible(db, kinds).FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        return job is null ? Problems.NotFound("job") : TypedResults.Ok(JobResponse.From(job));
    }

    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> Cancel(
        Guid id, AppDb db, JobKinds kinds, CancellationToken cancellationToken)
    {
        var job = await Visible(db, kinds).FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return Problems.NotFound("job");
        }

        var kind = kinds.Of(job.Kind)!;
        if (!RoleMatrix.Allows(db.Tenant.Caller!.Role, kind.Area, Access.Edit))
        {
            var area = WireNames.Of(kind.Area);
            return Problems.Forbidden($"Cancelling a {job.Kind} job needs edit access to {area}.");
        }

        if (kind.CancelEndpointOf(job) is { } endpoint)
        {
            return TypedResults.Problem(
                $"A {job.Kind} job carries out a lifecycle of its own: cancel it through {endpoint}, "
                + "which ends the job with it.",
                statusCode: 409, title: "Cancelled through its own endpoint", type: ProblemTypes.CancelledElsewhere,
                extensions: new Dictionary<string, object?> { ["cancelWith"] = endpoint });
        }

        await db.CancelJobsAsync(db.Jobs.Where(j => j.Id == id), cancellationToken);
        job = await db.Jobs.AsNoTracking().FirstAsync(j => j.Id == id, cancellationToken);
        return TypedResults.Ok(JobResponse.From(job));
    }

    private static IQueryable<Job> Visible(AppDb db, JobKinds kinds)
    {
        var visible = kinds.VisibleTo(db.Tenant.Caller!.Role);
        return db.Jobs.AsNoTracking().Where(j => visible.Contains(j.Kind));
    }
}
