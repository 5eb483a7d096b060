using Communique.Communications;
using Communique.Tenancy;

namespace Communique.Archive;

// One thing that left the system, kept exactly: an email's MIME as handed to the transport, a generated PDF. It is
// leaf LeafIndex of its team's Merkle log; LeafHash covers the fields below and the SHA-256 of the content, so that
// altering either is found by a proof or a verify.
public sealed class ArchiveEntry : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public long LeafIndex { get; set; }
    public Channel Channel { get; set; }
    public Guid SendId { get; set; }
    public Guid MessageId { get; set; }
    public string? Recipient { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }

    // Of the content as it was sent, lower-case hex.
    public required string Sha256 { get; set; }

    // Where the content is: a zstd frame at BlobOffset in the pack blob BlobHash, which holds the frames of the
    // entries archived with it.
    public required string BlobHash { get; set; }
    public long BlobOffset { get; set; }
    public long BlobLength { get; set; }
    public required byte[] LeafHash { get; set; }
}
