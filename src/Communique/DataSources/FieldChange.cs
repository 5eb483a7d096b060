using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.DataSources;

public sealed record FieldChange(
    [Required, MaxLength(256)] string? Name, [MaxLength(256), SingleLine] string? NewName, [MaxLength(32)] string? Type,
    bool? Hidden, [Range(0, 10)] int? DecimalPlaces,
    [MaxLength(4)] string? DecimalSeparator, [MaxLength(4)] string? ThousandsSeparator,
        [MaxLength(64)] string? DateFormat);
