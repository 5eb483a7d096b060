using System.Text.Json;
using Communique.DataSources.Import;

namespace Communique.DataSources;

// Turns a stored record (values in schema order) into named fields: as text for the API, typed for personalisation.
public static class RecordValues
{
    public static void WriteNamed(Utf8JsonWriter writer, IReadOnlyList<FieldSchema> schema, JsonElement values)
    {
        var i = 0;
        foreach (var value in values.EnumerateArray())
        {
            if (i >= schema.Count)
            {
                break;
            }

            var field = schema[i++];
            if (field.Hidden)
            {
                continue;
            }

            writer.WritePropertyName(field.Name);
            if (field.Items is { } items && value.ValueKind == JsonValueKind.Array)
            {
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    writer.WriteStartObject();
                    WriteNamed(writer, items, item);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }
            else
            {
                value.WriteTo(writer);
            }
        }
    }

    // Typed values for Liquid: numbers as decimal, dates as DateOnly, and so on; text that does not fit its type stays
    // text.
    public static Dictionary<string, object?> Typed(
        IReadOnlyList<FieldSchema> schema, JsonElement values, DataStandard standard)
    {
        var record = new Dictionary<string, object?>(StringComparer.Ordinal);
        var i = 0;
        foreach (var value in values.EnumerateArray())
        {
            if (i >= schema.Count)
            {
                break;
            }

            var field = schema[i++];
            if (field.Items is { } items)
            {
                record[field.Name] = value.ValueKind == JsonValueKind.Array
                    ? value.EnumerateArray().Select(item =>
                        (IReadOnlyDictionary<string, object?>)Typed(items, item, standard)).ToList()
                    : new List<IReadOnlyDictionary<string, object?>>();
                continue;
            }

            var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            record[field.Name] = text is not null && Schemas.TryType(field.Type, out var type)
                && type != FieldType.String
                && ValueParser.TryParse(text, type, standard, out var typed)
                ? typed
                : text;
        }

        return record;
    }
}
