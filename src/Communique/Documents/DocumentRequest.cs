using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Communique.Documents;

// The record one document is made for (inline, or a data source's record by uuid), in which locale, and from which
// version of the communication (its current one when none is given).
public sealed record DocumentRequest(
    Guid? DataSourceId, Guid? Uuid, JsonElement? Record, [MaxLength(32)] string? Locale,
    bool IgnoreMissingFields = false, [Range(1, int.MaxValue)] int? Version = null);
