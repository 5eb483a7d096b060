namespace Communique.Nlu.Engine;

// Probability is the best intent's mixed probability; InScopeScore is a logit (see IntentClassifier.Confidence);
// OutOfScope is InScopeScore below the threshold. Ranking is the top intents, most probable first.
public sealed record IntentPrediction(
    string BestIntent,
    double Probability,
    double InScopeScore,
    bool OutOfScope,
    IReadOnlyList<(string Intent, double Probability)> Ranking);
