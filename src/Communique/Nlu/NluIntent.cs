using Communique.Tenancy;

namespace Communique.Nlu;

// An intent and its example utterances (a JSON array of {text, language}), edited as a whole.
public sealed class NluIntent : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid ModelId { get; set; }
    public required string Name { get; set; }
    public string Utterances { get; set; } = "[]";
    public int UtteranceCount { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
