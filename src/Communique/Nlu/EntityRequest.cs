using System.ComponentModel.DataAnnotations;
using Communique.Http;

namespace Communique.Nlu;

public sealed record EntityRequest(
    [MaxLength(200), SingleLine] string? Name, [MaxLength(32)] string? Kind,
    [MaxLength(NluRules.MaxEntityValues)] IReadOnlyList<EntityValueDto>? Values,
    [MaxLength(Entities.EntityPatterns.MaxLength)] string? Pattern);
