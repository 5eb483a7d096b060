namespace Communique.Communications;

public sealed record VersionComparison(int Number, int? Previous, bool NameChanged, string? PreviousName, string Name,
    IReadOnlyList<ContentChange> Changes);
