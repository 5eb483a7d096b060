using Communique.Tenancy;

namespace Communique.Nlu;

// A team-defined entity: values with synonyms (a JSON array of {value, synonyms}), or a regular expression.
public sealed class NluEntity : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid ModelId { get; set; }
    public required string Name { get; set; }
    public NluEntityKind Kind { get; set; }
    public string Values { get; set; } = "[]";
    public string? Pattern { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
