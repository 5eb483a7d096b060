namespace Communique.Documents;

public sealed record BatchFile(string Name, string ContentType, long Length, string Hash);
