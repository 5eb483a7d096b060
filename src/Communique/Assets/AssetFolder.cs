using Communique.Tenancy;

namespace Communique.Assets;

// A folder of the asset library. Guid.Empty as parent means the library's root.
public sealed class AssetFolder : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid ParentId { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAt { get; set; }
}
