namespace Communique.Assets.Storage;

public sealed class BlobStoreOptions
{
    public const string Section = "Blobs";

    // A relative path is taken under the data directory (Storage:DataDirectory); an absolute one as is.
    public string Root { get; set; } = "blobs";

    // How often blobs no holder names are deleted, and how long after their last put they are spared.
    [System.ComponentModel.DataAnnotations.Range(1, 7 * 24 * 60)]
    public int SweepMinutes { get; set; } = 60;

    public string RootUnder(string dataDirectory) => Path.GetFullPath(Path.Combine(dataDirectory, Root));
}
