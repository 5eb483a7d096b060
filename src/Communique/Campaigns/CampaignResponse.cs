namespace Communique.Campaigns;

public sealed record CampaignResponse(
    Guid Id, Guid ProjectId, string Name, DateTime CreatedAt, IReadOnlyList<SendResponse>? Sends = null);
