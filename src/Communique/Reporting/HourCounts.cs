namespace Communique.Reporting;

public sealed record HourCounts(DateTime Hour, long Opens, long Clicks);
