using Communique.Data;
using Communique.Projects;
using Microsoft.EntityFrameworkCore;

namespace Communique.Communications;

// A project that holds communications cannot be deleted: they would be left without one.
public sealed class ProjectCommunications : IProjectUsage
{
    public async Task<string?> BlockingUseAsync(AppDb db, Guid projectId, CancellationToken cancellationToken) =>
        await db.Communications.AnyAsync(c => c.ProjectId == projectId, cancellationToken)
            ? "The project still holds communications; delete or move them first."
            : null;
}
