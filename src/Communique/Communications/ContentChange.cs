using System.Text.Json;

namespace Communique.Communications;

public sealed record ContentChange(string Path, JsonElement? Before, JsonElement? After);
