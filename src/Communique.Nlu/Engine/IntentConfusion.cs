namespace Communique.Nlu.Engine;

public sealed record IntentConfusion(string Expected, string Predicted, int Count);
