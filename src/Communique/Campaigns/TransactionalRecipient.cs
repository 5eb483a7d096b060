using System.Text.Json.Serialization;

namespace Communique.Campaigns;

public sealed record TransactionalRecipient(
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("message_id")] string? MessageId);
