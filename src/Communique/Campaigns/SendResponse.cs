namespace Communique.Campaigns;

// Error: why a failed send failed, or why a paused one was paused.
public sealed record SendResponse(
    Guid Id, Guid CampaignId, Guid CommunicationId, int CommunicationVersion, string DataSource, Guid? DataSourceId,
    string AddressField, string Sender, string? SenderName, string? ReplyTo, string State, DateTime? ScheduledAt,
    SendCounts Counts, DateTime CreatedAt,
    DateTime? StartedAt, DateTime? EndedAt, string? Error);
