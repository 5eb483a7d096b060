using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Communique.Communications;

public sealed record PreviewRequest(
    Guid? DataSourceId, Guid? Uuid, JsonElement? Record, [MaxLength(32)] string? Locale,
    bool IgnoreMissingFields = false);
