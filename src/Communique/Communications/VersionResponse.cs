using System.Text.Json;

namespace Communique.Communications;

public sealed record VersionResponse(int Number, string Name, string Author, string Change, DateTime CreatedAt,
    JsonElement Content);
