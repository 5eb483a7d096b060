using System.ComponentModel.DataAnnotations;

namespace Communique.DataSources;

public sealed record SchemaChange(
    [MaxLength(10_000)] IReadOnlyList<FieldChange>? Fields, [MaxLength(256)] string? UniqueField,
    [MaxLength(32)] string? Locale);
