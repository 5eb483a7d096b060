using System.Globalization;
using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Auth;
using Communique.Communications;
using Communique.Data;
using Communique.DataSources;
using Communique.Documents.Raster;
using Communique.Http;
using Communique.Jobs;
using Communique.Rendering;
using Communique.Sending;
using Communique.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Documents;

// The document channel: a communication's document made for one record, as a PDF or a page's PNG preview, or for
// many records as a batch job whose files are downloaded when it is done.
public static class DocumentsApi
{
    public const int MinDpi = 18;
    public const int MaxDpi = 300;

    public static RouteGroupBuilder MapDocuments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/document").WithTags("Documents").WithGroupName("document-channel")
            .RequireTeamCaller();
        group.MapPost("/communications/{id:guid}/pdf", Pdf).RequireAccess(Area.Communications, Access.View)
            .WithSummary("The document for one record as a PDF: a data source record by uuid, or a record given "
                + "inline; the communication's current version unless one is named.");
        group.MapPost("/communications/{id:guid}/png", Png).RequireAccess(Area.Communications, Access.View)
            .WithSummary("One page of the document for one record as a PNG image (page from 1, dpi 18 to 300).");
        group.MapPost("/communications/{id:guid}/batches", StartBatch).RequireAccess(Area.Communications, Access.View)
            .WithSummary("Make the document for many records as a job: a data source's records (all, by uuid, or "
                + "those whose fields have given values) or records given inline; into a zip of PDFs, one merged "
                + "print PDF with its manifest, or both. Cancel it through POST /jobs/{id}/cancel.");
        group.MapGet("/batches/{id:guid}", Batch).RequireAccess(Area.Communications, Access.View)
            .WithSummary("A batch's state and progress; once done, its counts, failed records and files.");
        group.MapGet("/batches/{id:guid}/files/{name}", BatchFile).RequireAccess(Area.Communications, Access.View)
            .WithSummary("Download one of a batch's files (HTTP Range supported) until it expires.");
        return group;
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> Pdf(
        Guid id, DocumentRequest request, AppDb db, DocumentMaker maker, IMessageArchive archive,
        TenantContext tenant, HttpResponse response, CancellationToken cancellationToken)
    {
        var (made, content, invalid, problem) = await LayAsync(id, request, db, maker, cancellationToken);
        if (invalid is not null || problem is not null)
        {
            return invalid is not null ? invalid : problem!;
        }

        var (pdf, failure) = maker.Pdf(made!.Document!, content!.Archival);
        if (pdf is null)
        {
            return Unmade(failure!);
        }

        if (archive.Keeps && await archive.KeepsAsync(tenant.TeamId, Channel.Document, cancellationToken))
        {
            var ids = new ArchivedMessage(tenant.TeamId, Guid.Empty, Guid.CreateVersion7(), Channel.Document)
            {
                CommunicationId = id,
            };
            await archive.KeepAsync(ids, pdf, cancellationToken);
        }

        response.Headers["X-Page-Count"] = made.Document!.PageCount.ToString(CultureInfo.InvariantCulture);
        return TypedResults.File(pdf, "application/pdf", made.FileName);
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> Png(
        Guid id, DocumentRequest request, int? page, int? dpi, AppDb db, DocumentMaker maker,
        HttpResponse response, CancellationToken cancellationToken)
    {
        if (dpi is < MinDpi or > MaxDpi)
        {
            return Problems.Invalid("dpi", $"Must be between {MinDpi} and {MaxDpi}.");
        }

        if (page is < 1)
        {
            return Problems.Invalid("page", "Pages are numbered from 1.");
        }

        var (made, _, invalid, problem) = await LayAsync(id, request, db, maker, cancellationToken);
        if (invalid is not null || problem is not null)
        {
            return invalid is not null ? invalid : problem!;
        }

        var document = made!.Document!;
        var number = page ?? 1;
        try
        {
            if (number > document.PageCount)
            {
                return Problems.Invalid("page", $"The document has {document.PageCount} page(s).");
            }

            response.Headers["X-Page-Count"] = document.PageCount.ToString(CultureInfo.InvariantCulture);
            return TypedResults.File(PageRasterizer.Png(document.Draw(number - 1), dpi ?? 96), "image/png");
        }
        catch (DocumentException e)
        {
            return Unmade(e.Message);
        }
    }

    private static ProblemHttpResult Unmade(string reason) => TypedResults.Problem(
        $"The document could not be made: {reason}", statusCode: 422, title: "Rendering failed",
        type: ProblemTypes.RenderFailed);

    private static async Task<Results<Accepted<BatchResponse>, ValidationProblem, ProblemHttpResult>> StartBatch(
        Guid id, BatchRequest request, AppDb db, IBlobStore blobs, IOptions<DocumentOptions> options,
        CancellationToken cancellationToken)
    {
        if (!WireNames.TryParse(request.Output ?? "zip", out BatchOutput output))
        {
            return Problems.Invalid("output", "Must be one of: zip, print, both.");
        }

        var communication = await db.Communications.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (communication is null)
        {
            return Problems.NotFound("communication");
        }

        if (communication.Channel != Channel.Document)
        {
            return Problems.Invalid("communication", "This is not a document communication.");
        }

        var version = request.Version ?? communication.Version;
        if (!await db.CommunicationVersions.AnyAsync(
                v => v.CommunicationId == id && v.Number == version, cancellationToken))
        {
            return Problems.Invalid("version", "The communication has no version with this number.");
        }

        if (request.Locale is { } locale && !RecordLookup.TryCulture(locale, out _))
        {
            return Problems.Invalid("locale", $"'{locale}' is not a known locale.");
        }

        var limits = options.Value;
        string? records = null;
        var generation = 0;
        if (request.Records is { } inline)
        {
            if (request.DataSourceId is not null)
            {
                return Problems.Invalid("records", "Give records inline or a dataSourceId, not both.");
            }

            if (inline.ValueKind != JsonValueKind.Array || inline.GetArrayLength() == 0
                || inline.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.Object))
            {
                return Problems.Invalid("records", "Must be a non-empty array of records (JSON objects).");
            }

            if (inline.GetArrayLength() > limits.MaxInlineRecords)
            {
                return Problems.Invalid("records",
                    $"At most {limits.MaxInlineRecords} records inline; put more in a data source.");
            }

            records = inline.GetRawText();
        }
        else if (request.DataSourceId is { } sourceId)
        {
            var source = await db.DataSources.AsNoTracking()
                .FirstOrDefaultAsync(d => d.Id == sourceId, cancellationToken);
            if (source is null)
            {
                return Problems.Invalid("dataSourceId", "No data source of this team has this id.");
            }

            if (source.RecordCount > limits.MaxBatchRecords && request.Uuids is not { Count: > 0 })
            {
                return Problems.Invalid("dataSourceId", $"The data source has {source.RecordCount} records; a batch " +
                    $"makes at most {limits.MaxBatchRecords}.");
            }

            generation = source.Generation;
        }
        else
        {
            return Problems.Invalid("records", "Give records inline, or a dataSourceId.");
        }

        // The team's batch files past their time are deleted when it asks for a new batch.
        await db.ReleaseEndedJobsAsync(blobs, DocumentBatchJob.Kind, BlobHolder.DocumentBatch,
            db.Now.AddHours(-limits.KeepResultsHours), cancellationToken);
        var payload = new BatchJobPayload(id, version, request.DataSourceId, generation, request.Uuids, request.Where,
            records, request.Locale, output, request.Duplex, request.CropMarks, request.PageCodes,
            request.IgnoreMissingFields);
        var job = db.EnqueueJob(DocumentBatchJob.Kind, payload, maxAttempts: 3);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted($"/document/batches/{job.Id}", BatchResponse.From(job, null, db.Now));
    }

    private static async Task<Results<Ok<BatchResponse>, ProblemHttpResult>> Batch(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking()
            .FirstOrDefaultAsync(j => j.Id == id && j.Kind == DocumentBatchJob.Kind, cancellationToken);
        return job is null
            ? Problems.NotFound("batch")
            : TypedResults.Ok(BatchResponse.From(job, ResultOf(job), db.Now));
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> BatchFile(
        Guid id, string name, AppDb db, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking()
            .FirstOrDefaultAsync(j => j.Id == id && j.Kind == DocumentBatchJob.Kind, cancellationToken);
        if (job is null)
        {
            return Problems.NotFound("batch");
        }

        var result = ResultOf(job);
        var file = result?.Files.FirstOrDefault(f => f.Name == name);
        if (result is null || file is null)
        {
            return Problems.NotFound("file");
        }

        if (result.ExpiresAt <= db.Now)
        {
            await db.ReleaseBlobsAsync(blobs, [job.Id], cancellationToken);
            return TypedResults.Problem("The batch's files have expired; make the batch again.", statusCode: 410,
                title: "Expired", type: ProblemTypes.Expired);
        }

        var stream = await blobs.OpenReadAsync(file.Hash, cancellationToken);
        return stream is null
            ? Problems.NotFound("file")
            : TypedResults.Stream(stream, file.ContentType, file.Name, enableRangeProcessing: true);
    }

    private static BatchResult? ResultOf(Job job) => job.State == JobState.Succeeded && job.Result is { } result
        ? JsonSerializer.Deserialize<BatchResult>(result, JsonSerializerOptions.Web)
        : null;

    // The document laid out, or the problem to answer with (a request that is wrong, or a document that cannot be
    // made for this record).
    private static async Task<(DocumentOutcome? Made, DocumentContent? Content, ValidationProblem? Invalid,
        ProblemHttpResult? Problem)> LayAsync(
        Guid id, DocumentRequest request, AppDb db, DocumentMaker maker, CancellationToken cancellationToken)
    {
        var communication = await db.Communications.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (communication is null)
        {
            return (null, null, null, Problems.NotFound("communication"));
        }

        if (communication.Channel != Channel.Document)
        {
            return (null, null, Problems.Invalid("communication", "This is not a document communication."), null);
        }

        var json = communication.Content;
        if (request.Version is { } number && number != communication.Version)
        {
            var version = await db.CommunicationVersions.AsNoTracking()
                .Where(v => v.CommunicationId == id && v.Number == number).Select(v => v.Content)
                .FirstOrDefaultAsync(cancellationToken);
            if (version is null)
            {
                var missing = Problems.Invalid("version", "The communication has no version with this number.");
                return (null, null, missing, null);
            }

            json = version;
        }

        var (found, field, error) = await RecordLookup.FindAsync(
            db, request.Record, request.DataSourceId, request.Uuid, request.Locale, cancellationToken);
        if (found is null)
        {
            return (null, null, Problems.Invalid(field!, error!), null);
        }

        if (!RecordLookup.TryCulture(found.Locale, out var culture))
        {
            return (null, null, Problems.Invalid("locale", $"'{found.Locale}' is not a known locale."), null);
        }

        var content = JsonSerializer.Deserialize<DocumentContent>(json, JsonSerializerOptions.Web)!;
        if (string.IsNullOrWhiteSpace(content.Markup))
        {
            return (null, null, Problems.Invalid("communication", "The document has no markup yet."), null);
        }

        var made = await maker.LayAsync(db, content, communication.AssetFolderId, found, culture,
            request.IgnoreMissingFields, cancellationToken);
        if (made.Failure is { } failure)
        {
            return failure.Kind == RenderFailureKind.MissingField
                ? (null, null, Problems.Invalid($"record.{failure.Field}",
                    $"The {made.Part} uses the field '{failure.Field}', which the record does not have."), null)
                : (null, null, null, TypedResults.Problem($"The {made.Part} could not be made: {failure.Message}",
                    statusCode: 422, title: "Rendering failed", type: ProblemTypes.RenderFailed));
        }

        return (made, content, null, null);
    }
}
