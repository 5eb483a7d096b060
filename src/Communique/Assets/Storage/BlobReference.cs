namespace Communique.Assets.Storage;

// One blob held by one holder (HolderId is the asset's, the import job's, the model version's id).
public sealed class BlobReference
{
    public required string Hash { get; set; }
    public BlobHolder Holder { get; set; }
    public Guid HolderId { get; set; }
}
