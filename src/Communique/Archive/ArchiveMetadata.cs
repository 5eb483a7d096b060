using System.Text.Json;

namespace Communique.Archive;

// An entry's metadata: a JSON object of at most MaxChars characters. Its top-level strings, numbers and booleans are
// the fields a search can name (at most MaxFields of them, names and values bounded); nested values are kept but not
// searchable.
public static class ArchiveMetadata
{
    public const int MaxChars = 16 * 1024;
    public const int MaxFields = 32;
    public const int MaxNameChars = 64;
    public const int MaxValueChars = 256;

    // The metadata as stored (compact JSON) and its searchable fields, or the reason it is refused.
    public static (string? Json, List<(string Name, string Value)> Fields, string? Error) Read(JsonElement? metadata)
    {
        List<(string, string)> fields = [];
        if (metadata is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return (null, fields, null);
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return (null, fields, "Must be a JSON object.");
        }

        var json = element.GetRawText();
        if (json.Length > MaxChars)
        {
            return (null, fields, $"At most {MaxChars} characters of JSON.");
        }

        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Number => property.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };
            if (value is null)
            {
                continue;
            }

            if (property.Name.Length is 0 or > MaxNameChars || value.Length > MaxValueChars)
            {
                return (null, fields, $"Field names are 1 to {MaxNameChars} characters and searchable values at "
                    + $"most {MaxValueChars}; '{Clip(property.Name)}' is not.");
            }

            if (fields.Count == MaxFields)
            {
                return (null, fields, $"At most {MaxFields} searchable (top-level scalar) fields.");
            }

            fields.Add((property.Name, value));
        }

        using var compact = JsonDocument.Parse(json);
        return (JsonSerializer.Serialize(compact.RootElement), fields, null);
    }

    private static string Clip(string name) =>
        name.Length <= MaxNameChars ? name : name[..MaxNameChars] + "…";
}
