using Communique.Assets.Storage;
using Communique.Data;
using Microsoft.EntityFrameworkCore;

namespace Communique.DataSources;

// An uploaded data file lives in the blob store only until its import ends. The store is content-addressed
// and shared, so the blob stays when an asset holds identical bytes.
public sealed class UploadedFiles(AppDb db, IBlobStore blobs)
{
    public async Task ForgetAsync(string hash, Guid? importJob, CancellationToken cancellationToken)
    {
        var pending = new[] { Jobs.JobState.Queued, Jobs.JobState.Running };
        if (!await db.Assets.IgnoreQueryFilters().AnyAsync(a => a.Hash == hash, cancellationToken)
            && !await db.Jobs.IgnoreQueryFilters().AnyAsync(
                j => j.Kind == DataImportJob.Kind && pending.Contains(j.State) && j.Id != importJob && j.Payload!.Contains(hash), cancellationToken))
        {
            await blobs.DeleteAsync(hash, cancellationToken);
        }
    }
}
