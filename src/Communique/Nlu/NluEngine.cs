using System.Diagnostics;
using Communique.Nlu.Engine;
using Microsoft.Extensions.Options;

namespace Communique.Nlu;

// The process's one sentence encoder (loaded on first use, shared by every team's models) and training.
public sealed class NluEngine(IOptions<NluOptions> options) : IDisposable
{
    private readonly Lazy<SentenceEncoder> _encoder = new(() =>
        new SentenceEncoder(Math.Min(Math.Max(options.Value.EncoderSessions, 1), Environment.ProcessorCount),
            Environment.ProcessorCount));

    public SentenceEncoder Encoder => _encoder.Value;

    public TrainedVersion Train(TrainingData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var inScope = data.Intents.Where(i => i.Name != NluVersions.OutOfScopeIntent)
            .SelectMany(i => i.Utterances.Select(u => (u.Text, i.Name))).ToList();
        var outOfScope = data.Intents.Where(i => i.Name == NluVersions.OutOfScopeIntent)
            .SelectMany(i => i.Utterances.Select(u => u.Text)).ToList();
        var clock = Stopwatch.StartNew();
        var vectors = Encoder.Encode([.. inScope.Select(u => u.Text).Concat(outOfScope)]);
        var embedding = clock.Elapsed.TotalSeconds;
        cancellationToken.ThrowIfCancellationRequested();
        var classifier = IntentClassifier.Train(
            [.. inScope.Select(u => u.Text)], [.. inScope.Select(u => u.Name)], vectors[..inScope.Count],
            outOfScope, vectors[inScope.Count..],
            new IntentClassifierOptions { Threads = Math.Max(1, Environment.ProcessorCount) });
        return new TrainedVersion(classifier, new NluMetrics(
            classifier.Intents.Count, inScope.Count, outOfScope.Count, clock.Elapsed.TotalSeconds,
            Math.Round(embedding, 2), classifier.Evaluation));
    }

    public void Dispose()
    {
        if (_encoder.IsValueCreated)
        {
            _encoder.Value.Dispose();
        }
    }
}
