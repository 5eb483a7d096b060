using System.Collections.Frozen;
using System.Globalization;

namespace Communique.Rendering;

public sealed record RenderOptions
{
    public required CultureInfo Culture { get; init; }

    // HTML bodies encode field values; subjects, plain text, push and chat payloads do not.
    public bool HtmlEncode { get; init; }

    public bool IgnoreMissingFields { get; init; }

    // Keyed by the data source schema's field path: "total", or "items.price" inside a repeater.
    public IReadOnlyDictionary<string, FieldFormat> FieldFormats { get; init; } =
        FrozenDictionary<string, FieldFormat>.Empty;

    public int MaxOutputChars { get; init; } = 1024 * 1024;

    public int MaxSteps { get; init; } = 1_000_000;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);
}
