using System.ComponentModel.DataAnnotations;
using Communique.Assets.Storage;
using Communique.Data;
using Communique.Http;
using Communique.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Archive;

// Exports of a search as a zip that proves itself (ArchiveExportJob), made by a job and downloaded until they expire.
public static class ArchiveExportApi
{
    public static void MapArchiveExports(this RouteGroupBuilder group)
    {
        group.MapPost("/exports", Export).Recorded("export")
            .WithSummary("Export what a search finds (search: the query string of GET /archive/entries; empty for "
                + "everything) as a zip of the contents and a manifest of their hashes and inclusion proofs to a "
                + "signed tree head. Runs as a job; follow it at GET /archive/exports/{id}.");
        group.MapGet("/exports/{id:guid}", Get)
            .WithSummary("An export's state; once done, its entry count, size, SHA-256 and expiry.");
        group.MapGet("/exports/{id:guid}/file", File).Recorded("export-download")
            .WithSummary("Download an export's zip (HTTP Range supported) until it expires.");
    }

    private static async Task<Results<Accepted<ArchiveExportResponse>, ValidationProblem>> Export(
        ArchiveExportRequest request, AppDb db, IBlobStore blobs, IOptions<ArchiveOptions> options,
        CancellationToken cancellationToken)
    {
        var query = request.Search ?? "";
        var (search, field, refusal) = query.Length > 2000 ? (null, "search", "At most 2000 characters.")
            : ArchiveSearch.Parse(query);
        if (search is null)
        {
            return Problems.Invalid("search", $"{field}: {refusal}");
        }

        // The team's export zips past their time are deleted when it asks for a new export.
        await db.ReleaseEndedJobsAsync(blobs, ArchiveExportJob.Kind, BlobHolder.ArchiveExport,
            db.Now.AddHours(-options.Value.ExportHours), cancellationToken);
        var job = db.EnqueueJob(ArchiveExportJob.Kind, new ArchiveExportPayload(search.Canonical()), maxAttempts: 3);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted($"/archive/exports/{job.Id}", ArchiveExportResponse.From(job, db.Now));
    }

    private static async Task<Results<Ok<ArchiveExportResponse>, ProblemHttpResult>> Get(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking()
            .FirstOrDefaultAsync(j => j.Id == id && j.Kind == ArchiveExportJob.Kind, cancellationToken);
        return job is null ? Problems.NotFound("export") : TypedResults.Ok(ArchiveExportResponse.From(job, db.Now));
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> File(
        Guid id, AppDb db, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking()
            .FirstOrDefaultAsync(j => j.Id == id && j.Kind == ArchiveExportJob.Kind, cancellationToken);
        if (job is null || ArchiveExportResponse.ResultOf(job) is not { } result)
        {
            return Problems.NotFound("export's file");
        }

        if (result.ExpiresAt <= db.Now)
        {
            await db.ReleaseBlobsAsync(blobs, [job.Id], cancellationToken);
            return TypedResults.Problem("The export has expired; export the search again.", statusCode: 410,
                title: "Expired", type: ProblemTypes.Expired);
        }

        var stream = await blobs.OpenReadAsync(result.Blob, cancellationToken);
        return stream is null
            ? Problems.NotFound("export's file")
            : TypedResults.Stream(stream, "application/zip", $"archive-export-{id:D}.zip",
                enableRangeProcessing: true);
    }
}

public sealed record ArchiveExportRequest([MaxLength(2000)] string? Search);

public sealed record ArchiveExportResponse(
    Guid Id, string State, int Progress, string? Error, long? Entries, long? Bytes, string? Sha256,
    DateTime? ExpiresAt, bool Expired)
{
    public static ArchiveExportResponse From(Job job, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(job);
        var result = ResultOf(job);
        return new ArchiveExportResponse(job.Id, Http.WireNames.Of(job.State), job.Progress, job.Error,
            result?.Entries, result?.Bytes, result?.Sha256, result?.ExpiresAt, result?.ExpiresAt <= now);
    }

    internal static ArchiveExportResult? ResultOf(Job job) =>
        job.State == JobState.Succeeded && job.Result is { } result
            ? System.Text.Json.JsonSerializer.Deserialize<ArchiveExportResult>(result,
                System.Text.Json.JsonSerializerOptions.Web)
            : null;
}
