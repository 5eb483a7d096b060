using System.Text.Json;
using Communique.Http;

namespace Communique.Archive;

// An entry with every field its leaf is made of (docs/archive.md), its retention, and whether it was purged (a
// tombstone: no recipient, metadata or content any more).
public sealed record ArchiveEntryResponse(
    Guid Id, Guid TeamId, long LeafIndex, string Channel, Guid SendId, Guid MessageId, string? Recipient,
    Guid? CampaignId, Guid? CommunicationId, int? CommunicationVersion, Guid? RecordUuid, DateTime CreatedAt,
    string ContentType, long Size, string Sha256, JsonElement? Metadata, string LeafHash, DateTime? RetainUntil,
    DateTime? PurgedAt)
{
    public static ArchiveEntryResponse From(ArchiveEntry e) => new(e.Id, e.TeamId, e.LeafIndex,
        WireNames.Of(e.Channel), e.SendId, e.MessageId, e.Recipient, e.CampaignId, e.CommunicationId,
        e.CommunicationVersion, e.RecordUuid, e.CreatedAt, e.ContentType, e.Size, e.Sha256,
        e.Metadata is null ? null : JsonSerializer.Deserialize<JsonElement>(e.Metadata), ArchiveApi.Hex(e.LeafHash),
        e.RetainUntil, e.PurgedAt);
}

// An entry's audit path: with the leaf hash it rebuilds the root of the log at TreeSize (RFC 9162, 2.1.3.2).
public sealed record InclusionProofResponse(
    Guid EntryId, long LeafIndex, long TreeSize, string LeafHash, string Root, IReadOnlyList<string> AuditPath);

public sealed record LogResponse(long Size, string Root, DateTime? UpdatedAt);

// The proof that the log at To holds the log at From unchanged (RFC 9162, 2.1.4.2).
public sealed record ConsistencyProofResponse(
    long From, long To, string FromRoot, string ToRoot, IReadOnlyList<string> Proof);

// A signed tree head: Signature (hex) is KeyId's Ed25519 signature of the statement docs/archive.md gives.
public sealed record TreeHeadResponse(
    Guid TeamId, long Size, string Root, DateTime SignedAt, string KeyId, string Signature)
{
    public static TreeHeadResponse From(ArchiveTreeHead h) => new(h.TeamId, h.Size, ArchiveApi.Hex(h.Root),
        h.SignedAt, h.KeyId, ArchiveApi.Hex(h.Signature));
}

public sealed record ArchiveAccessResponse(
    Guid Id, DateTime At, string CallerKind, Guid CallerId, string Action, Guid? EntryId, string? Query)
{
    public static ArchiveAccessResponse From(ArchiveAccess a) =>
        new(a.Id, a.At, WireNames.Of(a.CallerKind), a.CallerId, a.Action, a.EntryId, a.Query);
}
