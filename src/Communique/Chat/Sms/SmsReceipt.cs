using Communique.Tenancy;

namespace Communique.Chat.Sms;

// An inbound message handled: Twilio sends a webhook again when our answer is late or lost, and the same MessageSid
// must not make the bot answer twice.
public sealed class SmsReceipt : ITeamOwned
{
    public Guid TeamId { get; set; }
    public required string MessageSid { get; set; }
    public Guid? ConversationId { get; set; }
    public DateTime ReceivedAt { get; set; }
}
