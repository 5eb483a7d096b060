namespace Communique.Communications;

public sealed record VersionSummary(int Number, string Name, string Author, string Change, DateTime CreatedAt);
