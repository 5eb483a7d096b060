namespace Communique.Nlu;

public sealed record RankedIntent(string Name, double Confidence);
