namespace Communique.Http;

// A whole form: every field, wherever it came, and what the caller made of the file part.
public sealed record Upload<T>(IReadOnlyDictionary<string, string> Fields, string FileName, T File);
