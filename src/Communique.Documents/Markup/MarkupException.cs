using System.Globalization;

namespace Communique.Documents.Markup;

// Document markup that cannot be read: every error found (up to DocumentMarkup.MaxErrors), each with its place.
public sealed class MarkupException : Exception
{
    public MarkupException(IReadOnlyList<MarkupError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<MarkupError> Errors { get; }

    private static string Describe(IReadOnlyList<MarkupError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentOutOfRangeException.ThrowIfZero(errors.Count);
        var first = $"The document markup is not valid: {errors[0]}";
        return errors.Count == 1
            ? first
            : string.Create(CultureInfo.InvariantCulture, $"{first} (and {errors.Count - 1} more)");
    }
}
