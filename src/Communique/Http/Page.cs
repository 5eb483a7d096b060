namespace Communique.Http;

public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);
