namespace Communique.Nlu.Engine;

// At the tuned threshold. Recall: the share of the intent's held-out rows accepted with the right intent (null when the
// intent had too few examples to hold any out). Precision: the share of accepted predictions of the intent, over
// held-out rows and OOS examples, that were right (null when none was predicted).
public sealed record IntentQuality(int HeldOutExamples, double? Precision, double? Recall);
