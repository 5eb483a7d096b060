namespace Communique.Documents.Model;

// The PDF's metadata; Language is a BCP 47 tag (also used for line breaking).
public sealed record DocumentInfo(
    string? Title = null, string? Author = null, string? Subject = null, string? Keywords = null,
    string Language = "en");
