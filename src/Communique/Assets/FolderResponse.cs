namespace Communique.Assets;

public sealed record FolderResponse(Guid Id, string Name, Guid? ParentId, DateTime CreatedAt)
{
    public static FolderResponse From(AssetFolder f) =>
        new(f.Id, f.Name, f.ParentId == Guid.Empty ? null : f.ParentId, f.CreatedAt);
}
