using Communique.Communications;
using Communique.Tenancy;

namespace Communique.Campaigns;

// A named campaign in a project; each send under it (bulk or transactional) adds to its history and its numbers.
public sealed class Campaign : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid ProjectId { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum SendState
{
    Scheduled,
    Sending,
    Paused,
    Completed,
    Cancelled,
    Failed,
}

// How a send came: a bulk send of a data source's records, or a transactional call carrying its records inline
// (delivered with the team's other transactional calls by one job).
public enum SendKind
{
    Bulk,
    Transactional,
}

// One send of a campaign: a communication (its content copied when the send was made, so later edits do not change
// it) to the records of one generation of a data source.
public sealed class CampaignSend : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid CampaignId { get; set; }
    public Guid CommunicationId { get; set; }
    public int CommunicationVersion { get; set; }
    public Channel Channel { get; set; }
    public SendKind Kind { get; set; }
    public required string Content { get; set; }
    public Guid? DataSourceId { get; set; }
    public int DataSourceGeneration { get; set; }
    public required string AddressField { get; set; }
    public required string SenderAddress { get; set; }
    public string? SenderName { get; set; }
    public string? ReplyTo { get; set; }
    public string? SubjectOverride { get; set; }
    public bool Tracking { get; set; } = true;
    public bool IgnoreMissingFields { get; set; }
    public SendState State { get; set; }
    public DateTime? ScheduledAt { get; set; }

    // Records turned into messages so far (the expansion's cursor), and how many there are in all.
    public long Expanded { get; set; }
    public long RecordCount { get; set; }
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? EndedAt { get; set; }

    public bool IsLive => State is SendState.Scheduled or SendState.Sending or SendState.Paused;
}

public enum MessageState
{
    Queued,
    Sending,
    Sent,
    Failed,
    Suppressed,
}

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

// The first answer to a request sent with an Idempotency-Key: the same key and body within 24 hours get it again and
// send nothing; the same key with another body is refused.
public sealed class IdempotentRequest : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Key { get; set; }
    public required byte[] RequestHash { get; set; }
    public int Status { get; set; }
    public required string Response { get; set; }
    public DateTime CreatedAt { get; set; }

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
}
