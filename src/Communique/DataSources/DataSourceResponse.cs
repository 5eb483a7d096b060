using System.Text.Json;

namespace Communique.DataSources;

public sealed record DataSourceResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("Id")] Guid Id,
    [property: System.Text.Json.Serialization.JsonPropertyName("Name")] string Name,
    string Format, string Locale, string? UniqueField, string Status, long RecordCount,
        IReadOnlyList<FieldSchema> Fields,
    JsonElement? LastImport, Guid? ImportJobId, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static DataSourceResponse From(DataSource d) => new(
        d.Id, d.Name, d.Format.ToString().ToLowerInvariant(), d.Locale, d.UniqueField,
        (d.Status == DataSourceStatus.Importing && !d.ImportAlive
            ? (d.Generation == 0 ? DataSourceStatus.Failed : DataSourceStatus.Ready) : d.Status)
            .ToString().ToLowerInvariant(),
        d.RecordCount,
        JsonSerializer.Deserialize<List<FieldSchema>>(d.Schema, DataImporter.Json)!,
        d.LastImport is null ? null : JsonDocument.Parse(d.LastImport).RootElement.Clone(), d.ImportJobId, d.CreatedAt,
            d.UpdatedAt);
}
