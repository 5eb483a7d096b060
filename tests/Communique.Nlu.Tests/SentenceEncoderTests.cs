using Communique.Nlu.Engine;

namespace Communique.Nlu.Tests;

// The real MiniLM model from the package, one session serving two runs at a time: what the classifier tests stand in
// for with hashed features.
public sealed class SentenceEncoderTests : IDisposable
{
    private readonly SentenceEncoder _encoder = new(sessions: 1, concurrency: 2);

    public void Dispose() => _encoder.Dispose();

    [Fact]
    public void A_text_becomes_a_unit_vector_and_a_batch_gives_what_each_text_gives_alone()
    {
        string[] texts = ["book a flight to Paris", "what's the weather like tomorrow?", "hi", "Wie spät ist es?"];

        var batch = _encoder.Encode(texts, batchSize: 3);

        Assert.Equal(texts.Length, batch.Length);
        for (var i = 0; i < texts.Length; i++)
        {
            var alone = _encoder.Encode(texts[i]);
            Assert.Equal(SentenceEncoder.Dimensions, alone.Length);
            Assert.Equal(1, Math.Sqrt(alone.Sum(v => (double)v * v)), 4);
            Assert.All(alone.Zip(batch[i]), p => Assert.Equal(p.First, p.Second, 4));
        }
    }

    [Fact]
    public void A_paraphrase_lies_closer_than_an_unrelated_text()
    {
        var vectors = _encoder.Encode(["book a flight to Paris", "I need a plane ticket to Paris", "set a timer"]);

        var paraphrase = Cosine(vectors[0], vectors[1]);
        var unrelated = Cosine(vectors[0], vectors[2]);

        Assert.True(paraphrase > unrelated + 0.2, $"paraphrase {paraphrase}, unrelated {unrelated}");
    }

    private static double Cosine(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);
}
