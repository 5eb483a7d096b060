namespace Communique.Reporting;

public sealed record TwoCounts(long Unique, long Total);
