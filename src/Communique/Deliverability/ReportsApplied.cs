namespace Communique.Deliverability;

public sealed record ReportsApplied(int Applied, int Duplicates, int Ignored);
