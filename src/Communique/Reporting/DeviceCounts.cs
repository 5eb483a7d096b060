namespace Communique.Reporting;

public sealed record DeviceCounts(long Desktop, long Mobile, long Tablet, long Other);
