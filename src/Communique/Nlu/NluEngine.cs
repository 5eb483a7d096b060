using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Communique.Nlu.Engine;
using Microsoft.Extensions.Options;

namespace Communique.Nlu;

public sealed class NluOptions
{
    public const string Section = "Nlu";

    // Trained versions kept in memory (each about 40 MB for 15,000 utterances: weights plus the training vectors).
    [Range(1, 10_000)]
    public int CachedVersions { get; set; } = 16;

    // Encoder sessions, each used by one parse or training batch at a time; one per core by default.
    [Range(0, 256)]
    public int EncoderSessions { get; set; }
}

public sealed record TrainedVersion(IntentClassifier Classifier, NluMetrics Metrics);

// The process's one sentence encoder (loaded on first use, shared by every team's models) and training.
public sealed class NluEngine(IOptions<NluOptions> options) : IDisposable
{
    private readonly Lazy<SentenceEncoder> _encoder = new(() =>
        new SentenceEncoder(options.Value.EncoderSessions > 0 ? options.Value.EncoderSessions : Environment.ProcessorCount));

    public SentenceEncoder Encoder => _encoder.Value;

    public TrainedVersion Train(TrainingData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var inScope = data.Intents.Where(i => i.Name != NluVersions.OutOfScopeIntent)
            .SelectMany(i => i.Utterances.Select(u => (u.Text, i.Name))).ToList();
        var outOfScope = data.Intents.Where(i => i.Name == NluVersions.OutOfScopeIntent).SelectMany(i => i.Utterances.Select(u => u.Text)).ToList();
        var clock = Stopwatch.StartNew();
        var vectors = Encoder.Encode([.. inScope.Select(u => u.Text).Concat(outOfScope)]);
        var embedding = clock.Elapsed.TotalSeconds;
        cancellationToken.ThrowIfCancellationRequested();
        var classifier = IntentClassifier.Train(
            [.. inScope.Select(u => u.Text)], [.. inScope.Select(u => u.Name)], vectors[..inScope.Count],
            outOfScope, vectors[inScope.Count..], new IntentClassifierOptions { Threads = Math.Max(1, Environment.ProcessorCount) });
        return new TrainedVersion(classifier, new NluMetrics(
            classifier.Intents.Count, inScope.Count, outOfScope.Count, clock.Elapsed.TotalSeconds, Math.Round(embedding, 2), classifier.Evaluation));
    }

    public void Dispose()
    {
        if (_encoder.IsValueCreated)
        {
            _encoder.Value.Dispose();
        }
    }
}
