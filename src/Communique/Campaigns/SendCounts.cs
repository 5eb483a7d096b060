namespace Communique.Campaigns;

public sealed record SendCounts(long Recipients, int Queued, int Sending, int Sent, int Failed, int Suppressed);
