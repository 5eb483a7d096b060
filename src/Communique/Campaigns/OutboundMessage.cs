using Communique.Communications;
using Communique.Tenancy;

namespace Communique.Campaigns;

// One message to one recipient, of its send's channel and kind: written before it is handed to a transport, so that
// a crash loses nothing and resumes without sending again what the transport already took (except the messages
// inside a hand-over at the moment of the crash).
public sealed class OutboundMessage : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid SendId { get; set; }
    public Channel Channel { get; set; }
    public SendKind Kind { get; set; }
    public long Position { get; set; }
    public Guid? RecordUuid { get; set; }

    // A push message's subscription: Address then holds the user's id, which suppression and reports go by.
    public Guid? SubscriptionId { get; set; }

    // A transactional call's record, as it came (a JSON object); bulk sends read theirs from the data source.
    public string? RecordJson { get; set; }
    public required string Address { get; set; }
    public MessageState State { get; set; }
    public int Attempts { get; set; }
    public string? LastReply { get; set; }
    public string? SuppressionReason { get; set; }
    public string? MessageIdHeader { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }

    // What happened after delivery, for reports and the per-message export: the first human open and click, a
    // bounce a provider reported later (soft or hard, with its detail), a complaint, an unsubscribe from this message.
    public DateTime? OpenedAt { get; set; }
    public DateTime? ClickedAt { get; set; }
    public string? Bounce { get; set; }
    public string? BounceDetail { get; set; }
    public DateTime? ComplainedAt { get; set; }
    public DateTime? UnsubscribedAt { get; set; }

    // A recipient's message: queued, or suppressed when the address is missing or is not one address.
    public static OutboundMessage To(CampaignSend send, long position, string? address, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(send);
        var trimmed = address?.Trim() ?? "";
        var problem = trimmed.Length == 0 ? "no-address"
            : Senders.SendersApi.IsMailbox(trimmed) ? null : "invalid-address";
        return new OutboundMessage
        {
            TeamId = send.TeamId,
            SendId = send.Id,
            Channel = send.Channel,
            Kind = send.Kind,
            Position = position,
            Address = trimmed,
            State = problem is null ? MessageState.Queued : MessageState.Suppressed,
            SuppressionReason = problem,
            NextAttemptAt = now,
            CreatedAt = now,
        };
    }
}
