using System.Text.Json;

namespace Communique.DataSources;

public sealed record RecordResponse(Guid Uuid, long Position, JsonElement Values);
