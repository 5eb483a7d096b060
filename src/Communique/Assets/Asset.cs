using Communique.Assets.Storage;
using Communique.Tenancy;

namespace Communique.Assets;

// A file of the asset library: metadata here, bytes in the blob store under their SHA-256.
public sealed class Asset : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid FolderId { get; set; }
    public required string Name { get; set; }
    public AssetKind Kind { get; set; }
    public required string ContentType { get; set; }
    public required string Hash { get; set; }
    public long Length { get; set; }

    // What ffprobe found in a video or audio file (width and height for video); null for other kinds.
    public double? DurationSeconds { get; set; }
    public int? Width { get; set; }
    public int? Height { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
