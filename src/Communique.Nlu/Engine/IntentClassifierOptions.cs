namespace Communique.Nlu.Engine;

public sealed class IntentClassifierOptions
{
    // Both L2 strengths were chosen by 5-fold cross-validation on CLINC150's training set.
    public double DenseL2 { get; init; } = 3e-6;

    public double LexicalL2 { get; init; } = 3e-6;

    // The held-out fold is 1/Folds of each intent's examples.
    public int Folds { get; init; } = 5;

    // The threshold rejects this share of the OOS examples.
    public double TargetOosRecall { get; init; } = 0.75;

    // The number of L2-normalised embeddings concatenated in a vector (the cosine features are divided by it).
    public int Views { get; init; } = 1;

    public int Threads { get; init; } = 2;
}
