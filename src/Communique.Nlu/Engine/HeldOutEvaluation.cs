namespace Communique.Nlu.Engine;

// How the classifier did on the held-out fold (models trained on the other folds) and the out-of-scope examples, the
// data its threshold was tuned on. Null where there was nothing to measure (no held-out rows, no OOS examples).
// Accuracy: the best intent is right, nothing rejected. InScopeAccuracy: right and accepted at the threshold.
// OutOfScopeRecall: the share of OOS examples rejected. Confusions: the most frequent wrong best intents (expected,
// predicted, count; before rejection), at most 20.
public sealed record HeldOutEvaluation(
    int InScopeExamples,
    int OutOfScopeExamples,
    double? Accuracy,
    double? InScopeAccuracy,
    double? OutOfScopeRecall,
    IReadOnlyDictionary<string, IntentQuality> PerIntent,
    IReadOnlyList<IntentConfusion> Confusions);
