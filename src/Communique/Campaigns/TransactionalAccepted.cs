using System.Text.Json.Serialization;

namespace Communique.Campaigns;

public sealed record TransactionalAccepted([property: JsonPropertyName("send_id")] Guid SendId);
