namespace Communique.Http;

// Enum values on the wire are kebab-case ("email", "design-scheme"), matched exactly.
public static class WireNames
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => Kebab(value.ToString());

    // "CreateCommunication" -> "create-communication".
    private static string Kebab(string pascal) => string.Concat(
        pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));

    public static bool TryParse<TEnum>(string? name, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Of(candidate), name, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
