namespace Communique.Communications;

public sealed record CommunicationSummary(Guid Id, string Name, string Channel, int Version, DateTime UpdatedAt);
