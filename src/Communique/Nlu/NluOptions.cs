using System.ComponentModel.DataAnnotations;

namespace Communique.Nlu;

public sealed class NluOptions
{
    public const string Section = "Nlu";

    // Trained versions kept in memory, each with its weights and its training vectors (about 0.7 KB per utterance).
    [Range(1, 10_000)]
    public int CachedVersions { get; set; } = 16;

    // Encoder sessions, each used by one parse or training batch at a time; one per core by default.
    [Range(0, 256)]
    public int EncoderSessions { get; set; }
}
