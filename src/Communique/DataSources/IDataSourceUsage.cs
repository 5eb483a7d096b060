using Communique.Data;

namespace Communique.DataSources;

// A feature that may forbid deleting a data source while it uses it (a running or scheduled campaign).
public interface IDataSourceUsage
{
    Task<string?> BlockingUseAsync(AppDb db, Guid dataSourceId, CancellationToken cancellationToken);
}
