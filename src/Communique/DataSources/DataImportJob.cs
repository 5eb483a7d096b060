using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Data;
using Communique.DataSources.Import;
using Communique.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Communique.DataSources;

// Imports that are too large to run within the upload request. The job holds the uploaded file until the import ends.
public sealed class DataImportJob(DataImporter importer, AppDb db, IBlobStore blobs) : IJobHandler
{
    public const string Kind = "data-import";

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var request = JsonSerializer.Deserialize<ImportRequest>(job.Payload!, DataImporter.Json)!;
        try
        {
            var report = await importer.RunAsync(request, percent => job.ReportAsync(percent, null, cancellationToken),
                cancellationToken);
            job.Result = JsonSerializer.Serialize(report, DataImporter.Json);
            await db.ReleaseBlobsAsync(blobs, [job.Id], CancellationToken.None);
        }
        catch (SourceDataException e)
        {
            await db.ReleaseBlobsAsync(blobs, [job.Id], CancellationToken.None);
            throw new JobFailedException(e.Message);
        }
    }

    public Task EndedAsync(JobContext job, JobState state, string? failure, CancellationToken cancellationToken) =>
        EndAsync(db, blobs, job.Id, cancellationToken);

    // An import whose job has ended without running it: its source stops waiting for it, and its file is released.
    public static async Task EndAsync(AppDb db, IBlobStore blobs, Guid jobId, CancellationToken cancellationToken)
    {
        var now = db.Now;
        var waiting = db.DataSources.Where(d => d.ImportJobId == jobId && d.Status == DataSourceStatus.Importing);
        await waiting.ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, d => d.Generation == 0 ? DataSourceStatus.Failed : DataSourceStatus.Ready)
            .SetProperty(d => d.UpdatedAt, now), cancellationToken);
        await db.ReleaseBlobsAsync(blobs, [jobId], cancellationToken);
    }
}
