namespace Communique.Nlu;

public sealed record IntentData(string Name, IReadOnlyList<Utterance> Utterances);
