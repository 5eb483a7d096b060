using System.ComponentModel.DataAnnotations;

namespace Communique.Nlu;

public sealed class NluOptions
{
    public const string Section = "Nlu";

    // Trained versions kept in memory, each with its weights and its training vectors (about 0.7 KB per utterance).
    [Range(1, 10_000)]
    public int CachedVersions { get; set; } = 16;

    // Encoder sessions (at most one per core), about 75 MB each. Parses and training batches run one per core
    // whatever the number: one session serves them all.
    [Range(1, 256)]
    public int EncoderSessions { get; set; } = 1;
}
