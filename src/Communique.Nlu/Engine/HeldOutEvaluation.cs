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

// At the tuned threshold. Recall: the share of the intent's held-out rows accepted with the right intent (null when the
// intent had too few examples to hold any out). Precision: the share of accepted predictions of the intent, over
// held-out rows and OOS examples, that were right (null when none was predicted).
public sealed record IntentQuality(int HeldOutExamples, double? Precision, double? Recall);

public sealed record IntentConfusion(string Expected, string Predicted, int Count);
