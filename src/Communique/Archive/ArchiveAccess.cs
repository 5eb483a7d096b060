using Communique.Tenancy;

namespace Communique.Archive;

// One read of the team's archive: who asked (a user or a credential, by id), when, for what (a listing with its
// query, an entry, its content or proof, the log, a tree head, a verify), and which entry.
public sealed class ArchiveAccess : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public DateTime At { get; set; }
    public SubjectKind CallerKind { get; set; }
    public Guid CallerId { get; set; }
    public required string Action { get; set; }
    public Guid? EntryId { get; set; }
    public string? Query { get; set; }
}
