using System.Text.Json;

namespace Communique.Rendering;

// A record given inline as JSON (a transactional call's, a preview's) as the values its templates render.
public static class InlineRecord
{
    // A record given inline: strings, numbers, booleans, and arrays of objects as repeaters.
    public static Dictionary<string, object?> Values(JsonElement record)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in record.EnumerateObject())
        {
            values[property.Name] = Value(property.Value);
        }

        return values;
    }

    private static object? Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetDecimal(out var d) ? d : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => value.EnumerateArray()
            .Select(item => (IReadOnlyDictionary<string, object?>)(item.ValueKind == JsonValueKind.Object
                ? Values(item)
                : new Dictionary<string, object?> { ["value"] = Value(item) }))
            .ToList(),
        JsonValueKind.Object => Values(value),
        _ => null,
    };
}
