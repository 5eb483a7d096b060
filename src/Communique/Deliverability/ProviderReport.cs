namespace Communique.Deliverability;

// One recipient's outcome in a provider's report.
public sealed record ProviderReport(EventKind Kind, string MessageId, string? Recipient, string? Status, string Detail);
