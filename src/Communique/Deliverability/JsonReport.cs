namespace Communique.Deliverability;

public sealed record JsonReport(string? Type, string? MessageId, string? Recipient, string? Status, string? Detail);
