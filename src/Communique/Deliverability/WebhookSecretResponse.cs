namespace Communique.Deliverability;

public sealed record WebhookSecretResponse(
    string? Secret, DateTime CreatedAt, string Url, string SignatureHeader, string TimestampHeader);
