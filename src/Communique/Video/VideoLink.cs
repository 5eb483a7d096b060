using Communique.Tenancy;

namespace Communique.Video;

// The public address of a video communication's player: /v/{Key}/ followed by a record's uuid. The key is random, so
// the addresses of one team's videos say nothing about another's.
public sealed class VideoLink : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid CommunicationId { get; set; }
    public required string Key { get; set; }
    public DateTime CreatedAt { get; set; }
}
