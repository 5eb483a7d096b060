using System.Text.Json.Serialization;

namespace Communique.Campaigns;

public sealed record TransactionalStatus(
    [property: JsonPropertyName("send_id")] Guid SendId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("sent")] int Sent,
    [property: JsonPropertyName("suppressed")] int Suppressed,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("recipients")] IReadOnlyList<TransactionalRecipient> Recipients);
