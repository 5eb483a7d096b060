using Communique.Tenancy;

namespace Communique.Video;

// What a viewer did in a player: Kind is impression, play, pause, seek, progress-25, progress-50, progress-75,
// complete or cta; Position is where in the video (seconds). Session is one opening of the player page.
public sealed class VideoEvent : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid CommunicationId { get; set; }
    public Guid RecordUuid { get; set; }
    public Guid Session { get; set; }
    public required string Kind { get; set; }
    public double Position { get; set; }
    public DateTime At { get; set; }
}
