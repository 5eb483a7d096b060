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
    public Guid? CampaignId { get; set; }
    public Guid? CommunicationId { get; set; }
    public int? CommunicationVersion { get; set; }
    public Guid? RecordUuid { get; set; }
    public DateTime CreatedAt { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }

    // What the sender or an ingest attached: a JSON object, searchable by its top-level fields.
    public string? Metadata { get; set; }

    // Of the content as it was sent, lower-case hex.
    public required string Sha256 { get; set; }

    // Where the content is: a zstd frame at BlobOffset in the pack blob BlobHash, which holds the frames of the
    // entries archived with it; compressed with the dictionary blob DictionaryHash when there is one (the first
    // message of the send, which the others of the send resemble). Empty once the entry is purged.
    public required string BlobHash { get; set; }
    public long BlobOffset { get; set; }
    public long BlobLength { get; set; }
    public string? DictionaryHash { get; set; }
    public required byte[] LeafHash { get; set; }

    // Until when nothing may remove the content: set from the team's retention policy when the entry is archived,
    // and never moved earlier. Null keeps it for ever.
    public DateTime? RetainUntil { get; set; }

    // When the purge removed the content, recipient, metadata and search text; the row stays as the log's tombstone,
    // its leaf hash still in the proofs.
    public DateTime? PurgedAt { get; set; }

    // The entry's row in the full-text index, when it has text to search.
    public long? TextKey { get; set; }

    public bool IsPurged => PurgedAt is not null;
}
