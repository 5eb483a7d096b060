using Communique.Communications;
using Communique.Tenancy;

namespace Communique.Templates;

// A team-wide starting point for communications of one channel.
public sealed class Template : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Name { get; set; }
    public Channel Channel { get; set; }
    public required string Content { get; set; }
    public int Version { get; set; }

    // Assets that travel with the template: a communication made from it gets a copy of this folder.
    public Guid? AssetFolderId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
