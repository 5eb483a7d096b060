using System.Text.Json;
using Communique.DataSources.Import;
using Communique.Jobs;

namespace Communique.DataSources;

// Imports that are too large to run within the upload request.
public sealed class DataImportJob(DataImporter importer, UploadedFiles files) : IJobHandler
{
    public const string Kind = "data-import";

    public async Task RunAsync(JobContext job, CancellationToken cancellationToken)
    {
        var request = JsonSerializer.Deserialize<ImportRequest>(job.Payload!, DataImporter.Json)!;
        try
        {
            var report = await importer.RunAsync(request, percent => job.ReportAsync(percent, null, cancellationToken), cancellationToken);
            job.Result = JsonSerializer.Serialize(report, DataImporter.Json);
            await files.ForgetAsync(request.BlobHash, job.Id, CancellationToken.None);
        }
        catch (SourceDataException e)
        {
            await files.ForgetAsync(request.BlobHash, job.Id, CancellationToken.None);
            throw new JobFailedException(e.Message);
        }
    }
}
