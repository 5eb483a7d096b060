using Communique.Nlu.Engine;
using Communique.Nlu.Entities;

namespace Communique.Nlu;

// A version ready to parse with: its classifier and its entity extractor, compiled once.
public sealed record LoadedVersion(
    Guid ModelId, int Number, IntentClassifier Classifier, EntityExtractor Entities, double Threshold);
