namespace Communique.Templates;

public sealed record TemplateSummary(Guid Id, string Name, string Channel, int Version, DateTime UpdatedAt);
