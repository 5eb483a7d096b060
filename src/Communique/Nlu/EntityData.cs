namespace Communique.Nlu;

public sealed record EntityData(string Name, string Kind, IReadOnlyList<EntityValueDto>? Values, string? Pattern);
