namespace Communique.Assets.Storage;

public sealed class BlobStoreOptions
{
    public const string Section = "Blobs";

    // A relative path is taken under the data directory (Storage:DataDirectory); an absolute one as is.
    public string Root { get; set; } = "blobs";

    public string RootUnder(string dataDirectory) => Path.GetFullPath(Path.Combine(dataDirectory, Root));
}
