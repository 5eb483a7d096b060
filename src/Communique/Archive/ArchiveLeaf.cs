using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Communique.Archive;

// The bytes an entry's log leaf is the hash of: the entry's identity and the SHA-256 of its content, one field per
// line in a fixed order (UTF-8, lines ended by a line feed). docs/archive.md gives the format, so that anyone holding
// an entry can recompute its leaf hash. No field can hold a line feed: ids, numbers, hex, a time, a validated
// address and a media type; the metadata is there as the SHA-256 of its JSON text.
public static class ArchiveLeaf
{
    public const string Format = "communique-archive-entry-1";

    private static readonly FrozenDictionary<Communications.Channel, string> ChannelNames =
        Enum.GetValues<Communications.Channel>().ToFrozenDictionary(c => c, c => c.ToString().ToLowerInvariant());

    public static byte[] Bytes(ArchiveEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string[] fields =
        [
            Format,
            entry.Id.ToString("D"),
            entry.TeamId.ToString("D"),
            entry.LeafIndex.ToString(CultureInfo.InvariantCulture),
            ChannelNames[entry.Channel],
            entry.SendId.ToString("D"),
            entry.MessageId.ToString("D"),
            entry.Recipient ?? "",
            Optional(entry.CampaignId),
            Optional(entry.CommunicationId),
            entry.CommunicationVersion?.ToString(CultureInfo.InvariantCulture) ?? "",
            Optional(entry.RecordUuid),
            entry.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            entry.ContentType,
            entry.Size.ToString(CultureInfo.InvariantCulture),
            entry.Sha256,
            MetadataHash(entry.Metadata),
        ];
        var text = new StringBuilder();
        foreach (var field in fields)
        {
            if (field.Contains('\n', StringComparison.Ordinal))
            {
                throw new ArgumentException("An archive entry's field holds a line feed.", nameof(entry));
            }

            text.Append(field).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string MetadataHash(string? metadata) =>
        metadata is null ? "" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(metadata)));

    private static string Optional(Guid? id) => id?.ToString("D") ?? "";

    // Every database keeps milliseconds, so a time read back hashes as it did when it was first hashed.
    public static DateTime WholeMilliseconds(DateTime time) =>
        new(time.Ticks - time.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
}
