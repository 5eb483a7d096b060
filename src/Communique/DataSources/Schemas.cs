using Communique.DataSources.Import;

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
}
