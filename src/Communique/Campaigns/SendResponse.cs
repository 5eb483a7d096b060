namespace Communique.Campaigns;

public sealed record SendResponse(
    Guid Id, Guid CampaignId, Guid CommunicationId, int CommunicationVersion, string DataSource, Guid? DataSourceId,
    string AddressField, string Sender, string? SenderName, string? ReplyTo, string State, DateTime? ScheduledAt,
    SendCounts Counts, DateTime CreatedAt,
    DateTime? StartedAt, DateTime? EndedAt);
