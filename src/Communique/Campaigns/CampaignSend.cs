using Communique.Communications;
using Communique.Tenancy;

namespace Communique.Campaigns;

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

    // Who a push send without a data source goes to: every subscription of the team, or a segment by attributes (a
    // JSON object of attribute names and the value each must have).
    public string? Audience { get; set; }
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
