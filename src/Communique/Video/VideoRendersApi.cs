using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Communique.Auth;
using Communique.Communications;
using Communique.Data;
using Communique.Http;
using Communique.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Video;

// A video communication's renders: made ahead of time for a campaign's records (a batch job that asks for each
// record's render), listed by state, and read one by one with their failure's reason.
public static class VideoRendersApi
{
    public const int MaxUuids = 1000;

    public static RouteGroupBuilder MapVideoRenders(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/video").WithTags("Video renders").WithGroupName("video-channel")
            .RequireTeamCaller();
        group.MapPost("/communications/{id:guid}/renders", Start).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Render the video of every record of a data source (dataSourceId), or of records by uuid "
                + $"(at most {MaxUuids}), ahead of time, as a job; records whose video is made are not made again.");
        group.MapGet("/communications/{id:guid}/renders", List).RequireAccess(Area.Communications, Access.View)
            .WithSummary("The communication's renders, oldest first, optionally in one state (queued, rendering, "
                + "ready, failed, poster-only).");
        group.MapGet("/renders/{id:guid}", One).RequireAccess(Area.Communications, Access.View)
            .WithSummary("One render: its state, and once ready its size and duration, or why it failed.");
        return group;
    }

    public sealed record RendersRequest(Guid? DataSourceId, [property: MaxLength(MaxUuids)] IReadOnlyList<Guid>? Uuids);

    public sealed record RenderResponse(
        Guid Id, Guid CommunicationId, int Version, Guid? RecordUuid, string State, string? Error,
        double DurationSeconds, long Length, int RenderMilliseconds, DateTime CreatedAt, DateTime? CompletedAt);

    private static async Task<Results<Accepted<JobResponse>, ValidationProblem, ProblemHttpResult>> Start(
        Guid id, RendersRequest request, AppDb db, CancellationToken cancellationToken)
    {
        if ((request.DataSourceId is null) == (request.Uuids is null or { Count: 0 }))
        {
            return Problems.Invalid("dataSourceId", "Give either dataSourceId or uuids.");
        }

        if (!await db.Communications.AnyAsync(c => c.Id == id && c.Channel == Channel.Video, cancellationToken))
        {
            return Problems.NotFound("video communication");
        }

        var total = request.Uuids?.Count ?? 0;
        if (request.DataSourceId is { } source)
        {
            var count = await db.DataSources.Where(d => d.Id == source).Select(d => (long?)d.RecordCount)
                .FirstOrDefaultAsync(cancellationToken);
            if (count is null)
            {
                return Problems.NotFound("data source");
            }

            total = (int)Math.Min(int.MaxValue, count.Value);
        }

        var payload = new VideoRenderBatchJob.Payload(id, request.DataSourceId,
            request.Uuids?.Distinct().ToList(), total);
        var job = db.EnqueueJob(VideoRenderBatchJob.Kind, payload, maxAttempts: 3);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted($"/jobs/{job.Id}", JobResponse.From(job));
    }

    private static async Task<Results<Ok<Page<RenderResponse>>, ValidationProblem, ProblemHttpResult>> List(
        Guid id, string? state, string? cursor, int? limit, AppDb db, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var pagingError))
        {
            return Problems.Invalid(cursor is null ? "limit" : "cursor", pagingError!);
        }

        VideoRenderState wanted = default;
        if (state is not null && !WireNames.TryParse(state, out wanted))
        {
            return Problems.Invalid("state", "Must be one of: queued, rendering, ready, failed, poster-only.");
        }

        if (!await db.Communications.AnyAsync(c => c.Id == id && c.Channel == Channel.Video, cancellationToken))
        {
            return Problems.NotFound("video communication");
        }

        var query = db.VideoRenders.AsNoTracking().Where(r => r.CommunicationId == id);
        if (state is not null)
        {
            query = query.Where(r => r.State == wanted);
        }

        if (after is { } last)
        {
            query = query.Where(r => r.Id > last);
        }

        var rows = await query.OrderBy(r => r.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows.Select(From).ToList(), take, r => r.Id));
    }

    private static async Task<Results<Ok<RenderResponse>, ProblemHttpResult>> One(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var render = await db.VideoRenders.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return render is null ? Problems.NotFound("render") : TypedResults.Ok(From(render));
    }

    private static RenderResponse From(VideoRender r) => new(
        r.Id, r.CommunicationId, r.Version, r.RecordUuid, WireNames.Of(r.State), r.Error, r.DurationSeconds, r.Length,
        r.RenderMilliseconds, r.CreatedAt, r.CompletedAt);
}
