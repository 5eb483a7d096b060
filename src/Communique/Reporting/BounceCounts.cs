namespace Communique.Reporting;

public sealed record BounceCounts(long Soft, long Hard);
