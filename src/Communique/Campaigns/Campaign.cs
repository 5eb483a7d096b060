using Communique.Tenancy;

namespace Communique.Campaigns;

// A named campaign in a project; each send under it (bulk or transactional) adds to its history and its numbers.
public sealed class Campaign : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid ProjectId { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAt { get; set; }
}
