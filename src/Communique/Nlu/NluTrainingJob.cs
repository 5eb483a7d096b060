using System.Diagnostics;
using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Data;
using Communique.Jobs;
using Communique.Nlu.Engine;
using Microsoft.EntityFrameworkCore;

namespace Communique.Nlu;

// Trains one version: embeds the snapshot's utterances with the shared encoder, fits the classifier, stores it as a
// blob. Training is deterministic, so a failure (other than the process dying) is final: the version is failed with
// the reason, and the job succeeds in recording that.
public sealed class NluTrainingJob(AppDb db, IBlobStore blobs, NluEngine engine, ILogger<NluTrainingJob> logger)
    : IJobHandler
{
    public const string Kind = "nlu-train";

    public const string CancelledError = "Cancelled.";

    // ModelId and Number name the version's cancel endpoint (JobKind.CancelEndpointOf).
    public sealed record Payload(Guid VersionId, Guid? ModelId = null, int? Number = null);

    public static void Fail(NluModelVersion version, string error, DateTime now)
    {
        version.State = NluVersionState.Failed;
        version.Error = error.Length > 2000 ? error[..2000] : error;
        version.CompletedAt = now;
    }

    // A training that died or was stopped fails its version instead of leaving it training.
    public async Task EndedAsync(JobContext job, JobState state, string? failure, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<Payload>(job.Payload!, JsonSerializerOptions.Web)!;
        var version = await db.NluModelVersions.FirstOrDefaultAsync(v => v.Id == payload.VersionId, cancellationToken);
        if (version is { State: NluVersionState.Training })
        {
            Fail(version, state == JobState.Cancelled ? CancelledError : failure ?? "The training job failed.", db.Now);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<Payload>(job.Payload!, JsonSerializerOptions.Web)!;
        var version = await db.NluModelVersions.FirstOrDefaultAsync(v => v.Id == payload.VersionId, cancellationToken);
        if (version is null || version.State != NluVersionState.Training)
        {
            job.Result = "nothing to train";
            return;
        }

        TrainingData data;
        await using (var snapshot = await blobs.OpenReadAsync(version.DataHash, cancellationToken)
                                    ?? throw new JobFailedException(
                                        "The version's training data is missing from the blob store."))
        {
            data = (await JsonSerializer.DeserializeAsync<TrainingData>(snapshot, NluRules.Json, cancellationToken))!;
        }

        try
        {
            await TrainAndStoreAsync(version, data, cancellationToken);
            job.Result = $"version {version.Number} ready";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(
                e, "Training version {Version} of NLU model {Model} failed", version.Number, version.ModelId);
            version.State = NluVersionState.Failed;
            version.Error = e.Message.Length > 2000 ? e.Message[..2000] : e.Message;
            job.Result = $"version {version.Number} failed";
        }
        finally
        {
            TrainingMemory.Return();
        }

        // Cancelled meanwhile through the version's endpoint: the cancellation stands.
        var settled = db.NluModelVersions.Where(v => v.Id == version.Id && v.State != NluVersionState.Training);
        if (await settled.AnyAsync(cancellationToken))
        {
            job.Result = $"version {version.Number} cancelled";
            db.ChangeTracker.Clear();
            if (version.ArtifactHash is { } trained)
            {
                await db.DeleteUnreferencedBlobsAsync(blobs, [trained], cancellationToken);
            }

            return;
        }

        version.CompletedAt = db.Now;
        await db.SaveChangesAsync(cancellationToken);
    }

    // A method of its own so that nothing the training built is still referenced when its memory is returned.
    private async Task TrainAndStoreAsync(
        NluModelVersion version, TrainingData data, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var trained = await Task.Run(() => engine.Train(data, cancellationToken), cancellationToken);
        using var artifact = new MemoryStream();
        trained.Classifier.Save(artifact);
        artifact.Position = 0;
        var stored = (BlobPutResult.Stored)await blobs.PutAsync(artifact, long.MaxValue, cancellationToken);
        version.ArtifactHash = stored.Hash;
        db.AttachBlob(stored.Hash, BlobHolder.NluArtifact, version.Id);
        version.ArtifactBytes = stored.Length;
        version.Threshold = IntentClassifier.Confidence(trained.Classifier.Threshold);
        var metrics = trained.Metrics with { TrainingSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2) };
        version.Metrics = JsonSerializer.Serialize(metrics, NluRules.Json);
        version.State = NluVersionState.Ready;
    }
}
