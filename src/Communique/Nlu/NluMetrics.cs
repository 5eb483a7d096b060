using Communique.Nlu.Engine;

namespace Communique.Nlu;

public sealed record NluMetrics(
    int Intents,
    int Utterances,
    int OutOfScopeExamples,
    double TrainingSeconds,
    double EmbeddingSeconds,
    HeldOutEvaluation HeldOut);
