namespace Communique.Nlu;

public sealed record IntentSummary(Guid Id, string Name, int Utterances, DateTime UpdatedAt);
