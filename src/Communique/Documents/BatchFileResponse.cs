namespace Communique.Documents;

public sealed record BatchFileResponse(string Name, string ContentType, long Length, string Url);
