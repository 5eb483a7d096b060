using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Communique.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Nlu;

// Training and versions: POST /versions snapshots the training data (so later edits never reach this version) and
// queues a training job; the version goes training → ready | failed; activating a ready version makes parse use it,
// activating an older one is a rollback.
public static class NluVersions
{
    // Utterances of an intent with this name are examples of what the model should reject, not an intent.
    public const string OutOfScopeIntent = "out_of_scope";

    public static RouteGroupBuilder MapNluVersions(this IEndpointRouteBuilder app)
    {
        var versions = app.MapGroup("/nlu/models/{id:guid}/versions")
            .WithTags("NLU training").WithGroupName("nlu").RequireTeamCaller();
        versions.MapPost("", Train).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary(
                "Train a new version from the model's training data as it is now (a job); 202 with the version.");
        versions.MapGet("", List).RequireAccess(Area.Communications, Access.View)
            .WithSummary("The model's versions, newest first.");
        versions.MapGet("/{number:int}", Get).RequireAccess(Area.Communications, Access.View)
            .WithSummary("One version with its evaluation metrics.");
        versions.MapPost("/{number:int}/activate", Activate).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Make a ready version the one parse uses (an older one: a rollback).");
        versions.MapPost("/{number:int}/cancel", Cancel).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Cancel a version still training: it fails as cancelled, and its job ends.");
        return versions;
    }

    private static async Task<Results<Accepted<VersionResponse>, ValidationProblem, ProblemHttpResult>> Train(
        Guid id, AppDb db, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var model = await db.NluModels.FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        var data = model is null ? null : await NluTrainingData.LoadAsync(db, id, cancellationToken);
        if (model is null || data is null)
        {
            return Problems.NotFound("NLU model");
        }

        var intents = data.Intents.Where(i => i.Name != OutOfScopeIntent).ToList();
        var empty = intents.Where(i => i.Utterances.Count == 0).Select(i => i.Name).ToList();
        if (empty.Count > 0)
        {
            return Problems.Invalid("intents", $"These intents have no utterances: {string.Join(", ", empty)}.");
        }

        if (intents.Count < 2)
        {
            return Problems.Invalid("intents", intents.Count == 0
                ? "The model has no intents: add at least two, each with example utterances."
                : $"The model has one intent ('{intents[0].Name}'): a classifier needs at least two.");
        }

        using var snapshot = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(data, NluRules.Json));
        if (await blobs.PutAsync(snapshot, long.MaxValue, cancellationToken) is not BlobPutResult.Stored stored)
        {
            throw new InvalidOperationException("The training data could not be stored.");
        }

        model.Versions++;
        var version = new NluModelVersion
        {
            ModelId = id,
            Number = model.Versions,
            State = NluVersionState.Training,
            DataHash = stored.Hash,
            CreatedAt = db.Now,
        };
        var payload = new NluTrainingJob.Payload(version.Id, id, version.Number);
        var job = db.EnqueueJob(NluTrainingJob.Kind, payload, maxAttempts: 3);
        version.JobId = job.Id;
        db.NluModelVersions.Add(version);
        db.AttachBlob(stored.Hash, BlobHolder.NluTrainingData, version.Id);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted(
            $"/nlu/models/{id}/versions/{version.Number}", VersionResponse.From(version, model.ActiveVersionId));
    }

    private static async Task<Results<Ok<IReadOnlyList<VersionResponse>>, ProblemHttpResult>> List(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var model = await db.NluModels.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (model is null)
        {
            return Problems.NotFound("NLU model");
        }

        var rows = await db.NluModelVersions.AsNoTracking().Where(v => v.ModelId == id)
            .OrderByDescending(v => v.Number).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<VersionResponse>>(
            [.. rows.Select(v => VersionResponse.From(v, model.ActiveVersionId))]);
    }

    private static async Task<Results<Ok<VersionResponse>, ProblemHttpResult>> Get(
        Guid id, int number, AppDb db, CancellationToken cancellationToken)
    {
        var model = await db.NluModels.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        var version = model is null ? null
            : await db.NluModelVersions.AsNoTracking()
                .FirstOrDefaultAsync(v => v.ModelId == id && v.Number == number, cancellationToken);
        return version is null
            ? Problems.NotFound("model version")
            : TypedResults.Ok(VersionResponse.From(version, model!.ActiveVersionId));
    }

    private static async Task<Results<Ok<VersionResponse>, ProblemHttpResult>> Activate(
        Guid id, int number, AppDb db, CancellationToken cancellationToken)
    {
        var model = await db.NluModels.FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        var version = model is null ? null
            : await db.NluModelVersions.AsNoTracking()
                .FirstOrDefaultAsync(v => v.ModelId == id && v.Number == number, cancellationToken);
        if (version is null)
        {
            return Problems.NotFound("model version");
        }

        if (version.State != NluVersionState.Ready)
        {
            return Problems.Conflict(
                $"Version {number} is {WireNames.Of(version.State)}; only a ready version can be activated.");
        }

        model!.ActiveVersionId = version.Id;
        model.UpdatedAt = db.Now;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(VersionResponse.From(version, model.ActiveVersionId));
    }

    private static async Task<Results<Ok<VersionResponse>, ProblemHttpResult>> Cancel(
        Guid id, int number, AppDb db, CancellationToken cancellationToken)
    {
        var model = await db.NluModels.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        var version = model is null ? null : await db.NluModelVersions
            .FirstOrDefaultAsync(v => v.ModelId == id && v.Number == number, cancellationToken);
        if (version is null)
        {
            return Problems.NotFound("model version");
        }

        if (version.State != NluVersionState.Training)
        {
            return Problems.Conflict(
                $"Version {number} is {WireNames.Of(version.State)}; only a version still training can be cancelled.");
        }

        NluTrainingJob.Fail(version, NluTrainingJob.CancelledError, db.Now);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
            await db.CancelJobsAsync(db.Jobs.Where(j => j.Id == version.JobId), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return TypedResults.Ok(VersionResponse.From(version, model!.ActiveVersionId));
    }
}
