using System.Text.Json;
using Communique.Http;

namespace Communique.Nlu;

public sealed record EntityResponse(
    Guid Id, string Name, string Kind, IReadOnlyList<EntityValueDto> Values, string? Pattern, DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static EntityResponse From(NluEntity e) => new(
        e.Id, e.Name, WireNames.Of(e.Kind), JsonSerializer.Deserialize<List<EntityValueDto>>(e.Values, NluRules.Json)!,
        e.Pattern, e.CreatedAt, e.UpdatedAt);
}
