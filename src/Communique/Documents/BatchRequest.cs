using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Communique.Http;

namespace Communique.Documents;

// A batch over a data source (all its records, those with the given uuids, and/or those whose fields equal the
// values in Where) or over records given inline. Output and the print options say what is made.
public sealed record BatchRequest(
    Guid? DataSourceId,
    [MaxLength(100_000)] IReadOnlyList<Guid>? Uuids,
    [MaxLength(20), EachMaxLength(1000)] IReadOnlyDictionary<string, string>? Where,
    JsonElement? Records,
    [MaxLength(32)] string? Locale,
    [MaxLength(16)] string? Output,
    bool Duplex = false,
    bool CropMarks = false,
    bool PageCodes = false,
    bool IgnoreMissingFields = false,
    [Range(1, int.MaxValue)] int? Version = null);
