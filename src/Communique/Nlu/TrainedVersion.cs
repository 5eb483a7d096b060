using Communique.Nlu.Engine;

namespace Communique.Nlu;

public sealed record TrainedVersion(IntentClassifier Classifier, NluMetrics Metrics);
