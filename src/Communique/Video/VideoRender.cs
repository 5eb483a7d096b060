using Communique.Tenancy;

namespace Communique.Video;

// A video file made with ffmpeg from one version of a communication: the shared background of every record's player
// (RecordUuid null), or one record's whole video. CacheKey is a hash of the version and, for a record's video, of the
// plan made from its data, so a record whose data did not change is not rendered again.
public sealed class VideoRender : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid CommunicationId { get; set; }
    public int Version { get; set; }
    public Guid? RecordUuid { get; set; }
    public required string CacheKey { get; set; }
    public VideoRenderState State { get; set; }

    // The VideoPlan (JSON) the render draws: for the shared background, only its scenes and audio matter.
    public required string Plan { get; set; }

    // The MP4's and the poster's blobs, once ready.
    public string? VideoHash { get; set; }
    public string? PosterHash { get; set; }
    public long Length { get; set; }
    public double DurationSeconds { get; set; }
    public string? Error { get; set; }
    public int RenderMilliseconds { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}

// PosterOnly: only the poster was asked for (an email's thumbnail); the row keeps it, and no video is queued until the
// video itself is asked for.
public enum VideoRenderState
{
    Queued,
    Rendering,
    Ready,
    Failed,
    PosterOnly,
}
