using Communique.Data;
using Communique.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Communique.DataSources;

// An import job still queued or running writes into the data source: deleting the source underneath it would fail the
// import half-way. A cancelled or dead-lettered job does not count, whatever the source's status says.
public sealed class RunningImport : IDataSourceUsage
{
    public async Task<string?> BlockingUseAsync(AppDb db, Guid dataSourceId, CancellationToken cancellationToken)
    {
        var job = await db.DataSources.Where(d => d.Id == dataSourceId && d.Status == DataSourceStatus.Importing)
            .Select(d => d.ImportJobId).FirstOrDefaultAsync(cancellationToken);
        return job is { } id && await db.Jobs.AnyAsync(j => j.Id == id
            && (j.State == JobState.Queued || j.State == JobState.Running), cancellationToken)
            ? $"An import into this data source is queued or running (job {id}); cancel it "
                + $"(POST /data/{dataSourceId}/import/cancel) or wait for it to end, then delete the data source."
            : null;
    }
}
