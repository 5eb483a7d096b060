using Communique.Tenancy;

namespace Communique.Nlu;

// A team's NLU model: its training data (intents with example utterances, entities) as edited now, and the versions
// trained from it. Parsing uses the active version; editing the data never changes a version.
public sealed class NluModel : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Name { get; set; }

    // The language of utterances that name none (BCP 47, e.g. "en").
    public string Language { get; set; } = "en";

    // Under this confidence a parse is out of scope; null uses the threshold tuned when the active version was trained.
    public double? Threshold { get; set; }

    // The built-in entities extracted by parse (comma-separated names).
    public string BuiltIns { get; set; } = "number,date,email,phone,url";

    public Guid? ActiveVersionId { get; set; }
    public int Versions { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
