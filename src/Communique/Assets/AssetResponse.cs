using Communique.Http;

namespace Communique.Assets;

public sealed record AssetResponse(
    Guid Id, string Name, Guid? FolderId, string Kind, string ContentType, long Length, string Sha256,
    double? DurationSeconds, int? Width, int? Height, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static AssetResponse From(Asset a) => new(
        a.Id, a.Name, a.FolderId == Guid.Empty ? null : a.FolderId, WireNames.Of(a.Kind), a.ContentType,
        a.Length, a.Hash, a.DurationSeconds, a.Width, a.Height, a.CreatedAt, a.UpdatedAt);
}
