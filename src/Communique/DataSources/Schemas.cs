using Communique.DataSources.Import;
using Communique.Rendering;

namespace Communique.DataSources;

public static class Schemas
{
    public static string TypeName(FieldType type) => type.ToString().ToLowerInvariant();

    public static bool TryType(string? name, out FieldType type)
    {
        foreach (var candidate in Enum.GetValues<FieldType>())
        {
            if (string.Equals(TypeName(candidate), name, StringComparison.Ordinal))
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }

    // The number and date formats a data source's schema gives its fields, by dotted field path.
    public static Dictionary<string, FieldFormat> FormatsOf(IReadOnlyList<FieldSchema> schema, string prefix = "")
    {
        var formats = new Dictionary<string, FieldFormat>(StringComparer.Ordinal);
        foreach (var field in schema)
        {
            if (field.Items is { } items)
            {
                foreach (var (key, value) in FormatsOf(items, prefix + field.Name + "."))
                {
                    formats[key] = value;
                }
            }
            else if (field.DecimalPlaces is not null || field.DecimalSeparator is not null
                     || field.ThousandsSeparator is not null || field.DateFormat is not null)
            {
                formats[prefix + field.Name] = new FieldFormat(
                    field.DecimalPlaces, field.DecimalSeparator, field.ThousandsSeparator, field.DateFormat);
            }
        }

        return formats;
    }
}
