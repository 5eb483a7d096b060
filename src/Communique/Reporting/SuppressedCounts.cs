namespace Communique.Reporting;

public sealed record SuppressedCounts(
    long Total, long InvalidAddress, long HardBounce, long Unsubscribed, long BlacklistedDomain);
