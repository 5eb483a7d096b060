using Communique.Tenancy;

namespace Communique.Communications;

public sealed class Communication : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid ProjectId { get; set; }
    public required string Name { get; set; }
    public Channel Channel { get; set; }

    // The channel's content model as JSON; its shape belongs to the channel (EmailContent for email).
    public required string Content { get; set; }

    // Also the concurrency token behind ETag/If-Match: every saved change increments it.
    public int Version { get; set; }
    public Guid? TemplateId { get; set; }

    // The communication's own folder in the asset library; copied from its template's.
    public Guid? AssetFolderId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
