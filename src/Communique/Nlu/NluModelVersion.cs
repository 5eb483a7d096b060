using Communique.Tenancy;

namespace Communique.Nlu;

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
