namespace Communique.DataSources.Import;

internal static class FieldNames
{
    // Spaces become underscores so a field reads as a Liquid variable: {{ first_name }}.
    public static string Normalize(string raw, ImportLimits limits, long line)
    {
        var trimmed = raw.AsSpan().Trim();
        if (trimmed.Length > limits.MaxFieldNameLength)
        {
            throw new SourceDataException(SourceProblem.BadHeader,
                $"The field name on line {line} starting '{trimmed[..40]}' is longer than " +
                $"{limits.MaxFieldNameLength} characters.", line);
        }
        if (!trimmed.ContainsAny(Whitespace))
        {
            return trimmed.Length == raw.Length ? raw : trimmed.ToString();
        }
        return string.Create(trimmed.Length, raw, static (span, raw) =>
        {
            raw.AsSpan().Trim().CopyTo(span);
            for (var i = 0; i < span.Length; i++)
            {
                if (char.IsWhiteSpace(span[i]))
                {
                    span[i] = '_';
                }
            }
        });
    }

    private static readonly System.Buffers.SearchValues<char> Whitespace =
        System.Buffers.SearchValues.Create(" \t\r\n\u00A0\u2007\u202F\u3000");
}
