using Communique.Communications;

namespace Communique.Sending;

// The ids an archived message is kept under, its recipient, and its content type when the channel's is not it.
public sealed record ArchivedMessage(
    Guid TeamId, Guid SendId, Guid MessageId, Channel Channel, string? Recipient = null, string? ContentType = null);
