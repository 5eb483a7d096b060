using System.Text.Json;
using Communique.Http;

namespace Communique.Nlu;

public sealed record VersionResponse(
    Guid Id, int Number, string State, bool Active, Guid JobId, double? Threshold, long ArtifactBytes,
    JsonElement? Metrics, string? Error, DateTime CreatedAt, DateTime? CompletedAt)
{
    public static VersionResponse From(NluModelVersion v, Guid? active) => new(
        v.Id, v.Number, WireNames.Of(v.State), v.Id == active, v.JobId, v.Threshold, v.ArtifactBytes,
        v.Metrics is null ? null : JsonSerializer.Deserialize<JsonElement>(v.Metrics), v.Error, v.CreatedAt,
        v.CompletedAt);
}
