namespace Communique.Documents.Pdf;

// The document's metadata, and PDF/A-2b when Archival (embedded fonts, XMP identification, an sRGB output intent).
public sealed record PdfSettings
{
    public string? Title { get; init; }

    public string? Author { get; init; }

    public string? Subject { get; init; }

    public string? Keywords { get; init; }

    public string Language { get; init; } = "en";

    public string Creator { get; init; } = "Communique";

    public required DateTimeOffset Created { get; init; }

    public bool Archival { get; init; }
}
