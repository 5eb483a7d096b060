using Communique.Communications;

namespace Communique.Sending;

// The ids an archived message is kept under, its recipient, and its content type when the channel's is not it; what
// it came from (campaign, communication and version, record) when the channel knows; the text its search finds (an
// email's subject and text part) and the sender's metadata (a JSON object), when there are any. OneOfMany: the message
// is one of many being made at once (a send's), so the archive may hold it a few milliseconds to save it with the
// next ones; a message someone waits for alone (an API call's) is saved at once. Alone: the only message of its send
// (a transactional call of one record), compressed on its own: the messages of a larger send are compressed against
// the send's first, which would be this message itself.
public sealed record ArchivedMessage(
    Guid TeamId, Guid SendId, Guid MessageId, Channel Channel, string? Recipient = null, string? ContentType = null)
{
    public Guid? CampaignId { get; init; }
    public Guid? CommunicationId { get; init; }
    public int? CommunicationVersion { get; init; }
    public Guid? RecordUuid { get; init; }
    public string? Text { get; init; }
    public System.Text.Json.JsonElement? Metadata { get; init; }
    public bool OneOfMany { get; init; }
    public bool Alone { get; init; }
}
