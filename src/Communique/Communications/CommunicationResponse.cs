using System.Text.Json;

namespace Communique.Communications;

public sealed record CommunicationResponse(
    Guid Id, Guid ProjectId, string Name, string Channel, int Version, JsonElement Content, Guid? TemplateId,
    Guid? AssetFolderId,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public static CommunicationResponse From(Communication c) => new(
        c.Id, c.ProjectId, c.Name, c.Channel.ToString().ToLowerInvariant(), c.Version, ChannelContents.Parse(c.Content),
        c.TemplateId,
        c.AssetFolderId, c.CreatedAt, c.UpdatedAt);
}
