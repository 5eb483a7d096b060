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

public enum NluEntityKind
{
    List,
    Regex,
}

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

public enum NluVersionState
{
    Training,
    Ready,
    Failed,
}

// One training of a model: the training data as it was when training was asked for (a blob, so later edits never
// reach it), the trained classifier (a blob), the tuned out-of-scope threshold and the evaluation metrics.
public sealed class NluModelVersion : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid ModelId { get; set; }
    public int Number { get; set; }
    public NluVersionState State { get; set; }
    public Guid JobId { get; set; }
    public required string DataHash { get; set; }
    public string? ArtifactHash { get; set; }
    public long ArtifactBytes { get; set; }
    public double? Threshold { get; set; }
    public string? Metrics { get; set; }
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}
