namespace Communique.Nlu;

public sealed record ImportResult(int Intents, int Utterances, int Entities);
