using System.Text.Json;
using Communique.Communications;

namespace Communique.Templates;

public sealed record TemplateResponse(
    Guid Id, string Name, string Channel, int Version, JsonElement Content, Guid? AssetFolderId,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public static TemplateResponse From(Template t) => new(
        t.Id, t.Name, t.Channel.ToString().ToLowerInvariant(), t.Version, ChannelContents.Parse(t.Content),
        t.AssetFolderId, t.CreatedAt, t.UpdatedAt);
}
