using Communique.Data;

namespace Communique.Communications;

// A feature that may forbid deleting a communication while it uses it (a running or scheduled campaign).
public interface ICommunicationUsage
{
    Task<string?> BlockingUseAsync(AppDb db, Guid communicationId, CancellationToken cancellationToken);
}
