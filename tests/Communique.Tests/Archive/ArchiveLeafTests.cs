using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Communique.Archive;
using Communique.Communications;

namespace Communique.Tests.Archive;

// A leaf's bytes are the fields docs/archive.md lists, one a line, rebuilt here from that list with strings.
public sealed class ArchiveLeafTests
{
    [Fact]
    public void Every_field_is_written_as_the_format_says()
    {
        var entry = Entry("zoë@exämple.org", """{"policy":"P-1","région":"nord"}""");
        entry.CampaignId = Guid.CreateVersion7();
        entry.CommunicationId = Guid.CreateVersion7();
        entry.CommunicationVersion = 12;
        entry.RecordUuid = Guid.CreateVersion7();

        Assert.Equal(Documented(entry), ArchiveLeaf.Bytes(entry));
    }

    [Fact]
    public void Absent_fields_are_empty_lines()
    {
        var entry = Entry(null, null);

        Assert.Equal(Documented(entry), ArchiveLeaf.Bytes(entry));
    }

    [Fact]
    public void A_field_with_a_line_feed_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ArchiveLeaf.Bytes(Entry("a@example.org\nb@example.org", null)));
    }

    private static ArchiveEntry Entry(string? recipient, string? metadata) => new()
    {
        TeamId = Guid.CreateVersion7(),
        LeafIndex = 1_234_567,
        Channel = Channel.Document,
        SendId = Guid.CreateVersion7(),
        MessageId = Guid.CreateVersion7(),
        Recipient = recipient,
        CreatedAt = new DateTime(2026, 12, 7, 6, 5, 4, 321, DateTimeKind.Utc),
        ContentType = "application/pdf",
        Size = 98_765,
        Sha256 = Convert.ToHexStringLower(SHA256.HashData("content"u8)),
        Metadata = metadata,
        BlobHash = "",
        LeafHash = [],
    };

    private static byte[] Documented(ArchiveEntry entry)
    {
        static string Id(Guid? id) => id?.ToString("D") ?? "";
        string[] fields =
        [
            "communique-archive-entry-1", Id(entry.Id), Id(entry.TeamId),
            entry.LeafIndex.ToString(CultureInfo.InvariantCulture), "document", Id(entry.SendId), Id(entry.MessageId),
            entry.Recipient ?? "", Id(entry.CampaignId), Id(entry.CommunicationId),
            entry.CommunicationVersion?.ToString(CultureInfo.InvariantCulture) ?? "", Id(entry.RecordUuid),
            entry.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), entry.ContentType,
            entry.Size.ToString(CultureInfo.InvariantCulture), entry.Sha256,
            entry.Metadata is null
                ? ""
                : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(entry.Metadata))),
        ];
        return Encoding.UTF8.GetBytes(string.Concat(fields.Select(f => f + "\n")));
    }
}
