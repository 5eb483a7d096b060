using Communique.Data;

namespace Communique.Projects;

// A feature whose things live in a project (communications) and so forbid deleting it while there are any.
public interface IProjectUsage
{
    Task<string?> BlockingUseAsync(AppDb db, Guid projectId, CancellationToken cancellationToken);
}
