using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Nlu;

public sealed record ModelRequest(
    [MaxLength(200), SingleLine] string? Name, [MaxLength(16)] string? Language, double? Threshold,
    [MaxLength(100), EachMaxLength(64)] IReadOnlyList<string>? BuiltIns);
