namespace Communique.Nlu;

// The training data of a model as one document: what import takes, export gives, and a version is trained from.
public sealed record TrainingData(
    string Language, IReadOnlyList<IntentData> Intents, IReadOnlyList<EntityData> Entities,
    IReadOnlyList<string> BuiltIns);
