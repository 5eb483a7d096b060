using Communique.Assets.Storage;
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
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class AssetOptions
{
    public const string Section = "Assets";

    [System.ComponentModel.DataAnnotations.Range(1, 2L * 1024 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 25L * 1024 * 1024;

    // SVG is parsed and sanitised in memory, so it has a tighter limit of its own.
    [System.ComponentModel.DataAnnotations.Range(1, 64L * 1024 * 1024)]
    public long MaxSvgBytes { get; set; } = 2L * 1024 * 1024;
}
