namespace Communique.Deliverability;

// Scope "global": the list every account shares (Count: how often the platform saw the address bounce); "team": the
// caller's own hard bounce, from its provider's report about one of its messages (no Count).
public sealed record HardBounceEntry(
    string Address, string Scope, string Detail, int? Count, DateTime CreatedAt, DateTime LastBouncedAt);
