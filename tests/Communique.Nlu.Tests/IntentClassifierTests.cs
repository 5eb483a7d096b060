using System.Text.Json;
using Communique.Nlu.Engine;

namespace Communique.Nlu.Tests;

// Real utterances (a CLINC150 subset, embedded in the test assembly) with stand-in embeddings: hashed word and
// word-pair features in 384 dimensions, L2-normalised. They make the tests fast and need no ONNX model; what is tested
// is the classifier, not the encoder.
public sealed class IntentClassifierTests
{
    private const int Dimensions = 384;

    private static readonly Clinc Data = Clinc.Load();
    private static readonly Lazy<IntentClassifier> Model = new(() => Train(Data.Train, Data.OosTrain));

    [Fact]
    public void It_learns_its_training_examples()
    {
        var model = Model.Value;

        var right = Data.Train.Count(e => model.Parse(e.Text, Embed(e.Text)).BestIntent == e.Intent);

        Assert.Equal(16, model.Intents.Count);
        Assert.True(right >= 0.95 * Data.Train.Length, $"{right} of {Data.Train.Length} training examples right");
        Assert.True(model.Evaluation.Accuracy > 0.7, $"held-out accuracy {model.Evaluation.Accuracy}");
    }

    [Fact]
    public void Unseen_utterances_are_classified_and_out_of_scope_ones_are_rejected_more_often_than_in_scope_ones()
    {
        var model = Model.Value;

        var inScope = Data.Val.Select(e => (e.Intent, Prediction: model.Parse(e.Text, Embed(e.Text)))).ToArray();
        var outOfScope = Data.OosVal.Select(t => model.Parse(t, Embed(t))).ToArray();
        var accuracy = inScope.Count(p => p.Prediction.BestIntent == p.Intent) / (double)inScope.Length;
        var inScopeRejected = inScope.Count(p => p.Prediction.OutOfScope) / (double)inScope.Length;
        var outOfScopeRejected = outOfScope.Count(p => p.OutOfScope) / (double)outOfScope.Length;

        Assert.True(accuracy > 0.7, $"validation accuracy {accuracy}");
        Assert.True(
            outOfScopeRejected > inScopeRejected + 0.2,
            $"OOS rejected {outOfScopeRejected}, in-scope rejected {inScopeRejected}");
        Assert.True(model.Evaluation.OutOfScopeRecall >= 0.75);
        Assert.Equal(Data.OosTrain.Length, model.Evaluation.OutOfScopeExamples);
    }

    [Fact]
    public void A_prediction_ranks_the_top_intents_and_scores_on_the_logit_scale()
    {
        var model = Model.Value;
        var text = Data.Val[0].Text;

        var prediction = model.Parse(text, Embed(text), top: 3);

        Assert.Equal(3, prediction.Ranking.Count);
        Assert.Equal(prediction.BestIntent, prediction.Ranking[0].Intent);
        Assert.Equal(prediction.Probability, prediction.Ranking[0].Probability);
        Assert.True(prediction.Ranking[0].Probability >= prediction.Ranking[1].Probability);
        Assert.True(prediction.Ranking[1].Probability >= prediction.Ranking[2].Probability);
        Assert.Equal(prediction.InScopeScore < model.Threshold, prediction.OutOfScope);
        Assert.Equal(16, model.Parse(text, Embed(text), top: 100).Ranking.Count);
        Assert.Equal(0.5, IntentClassifier.Confidence(0));
        Assert.Equal(0.8, IntentClassifier.Confidence(Math.Log(0.8 / 0.2)), 12);
    }

    [Fact]
    public void A_threshold_passed_to_Parse_replaces_the_tuned_one()
    {
        var model = Model.Value;
        var text = Data.Val[0].Text;

        Assert.True(model.Parse(text, Embed(text), threshold: double.PositiveInfinity).OutOfScope);
        Assert.False(model.Parse(text, Embed(text), threshold: double.NegativeInfinity).OutOfScope);
    }

    [Fact]
    public void The_evaluation_gives_precision_and_recall_per_intent_and_the_most_confused_pairs()
    {
        var evaluation = Model.Value.Evaluation;

        Assert.Equal(16 * 6, evaluation.InScopeExamples);
        Assert.Equal(
            Model.Value.Intents.Order(StringComparer.Ordinal), evaluation.PerIntent.Keys.Order(StringComparer.Ordinal));
        Assert.All(evaluation.PerIntent.Values, q =>
        {
            Assert.Equal(6, q.HeldOutExamples);
            Assert.InRange(q.Recall!.Value, 0, 1);
            Assert.True(q.Precision is null or (>= 0 and <= 1));
        });
        Assert.InRange(evaluation.InScopeAccuracy!.Value, 0, evaluation.Accuracy!.Value);
        Assert.True(evaluation.Confusions.Count <= 20);
        Assert.All(evaluation.Confusions, c => Assert.NotEqual(c.Expected, c.Predicted));
        Assert.Equal(
            evaluation.Confusions.Select(c => c.Count).OrderDescending(), evaluation.Confusions.Select(c => c.Count));
    }

    [Fact]
    public void Saving_and_loading_gives_bit_identical_predictions()
    {
        var model = Model.Value;
        var saved = Save(model);

        var loaded = IntentClassifier.Load(new MemoryStream(saved));

        Assert.Equal(model.SizeInBytes, saved.Length);
        Assert.Equal(model.SizeInBytes, loaded.SizeInBytes);
        Assert.Equal(saved, Save(loaded));
        Assert.Equal(model.Intents, loaded.Intents);
        Assert.Equal(model.Threshold, loaded.Threshold);
        Assert.Equal(model.Evaluation.InScopeAccuracy, loaded.Evaluation.InScopeAccuracy);
        Assert.Equal(model.Evaluation.Confusions, loaded.Evaluation.Confusions);
        foreach (var text in Data.Val.Select(e => e.Text).Concat(Data.OosVal))
        {
            var before = model.Parse(text, Embed(text));
            var after = loaded.Parse(text, Embed(text));
            Assert.Equal(before.BestIntent, after.BestIntent);
            Assert.Equal(
                BitConverter.DoubleToInt64Bits(before.Probability), BitConverter.DoubleToInt64Bits(after.Probability));
            Assert.Equal(
                BitConverter.DoubleToInt64Bits(before.InScopeScore),
                BitConverter.DoubleToInt64Bits(after.InScopeScore));
            Assert.Equal(before.OutOfScope, after.OutOfScope);
            Assert.Equal(before.Ranking, after.Ranking);
        }
    }

    [Fact]
    public void Training_twice_gives_identical_bytes()
    {
        var (train, oos) = Small();

        Assert.Equal(Save(Train(train, oos)), Save(Train(train, oos)));
    }

    [Fact]
    public void One_thread_and_two_threads_train_identical_models()
    {
        var (train, oos) = Small();

        var one = Train(train, oos, new IntentClassifierOptions { Threads = 1 });
        var two = Train(train, oos, new IntentClassifierOptions { Threads = 2 });

        Assert.Equal(Save(one), Save(two));
    }

    [Fact]
    public void A_damaged_model_is_refused_with_InvalidDataException()
    {
        var saved = Save(Model.Value);

        byte[] Damaged(Action<byte[]> damage)
        {
            var copy = (byte[])saved.Clone();
            damage(copy);
            return copy;
        }

        Assert.Throws<InvalidDataException>(() => Load(Damaged(b => b[b.Length / 2] ^= 0x10)));
        Assert.Throws<InvalidDataException>(() => Load(Damaged(b => b[30] ^= 0x01)));
        Assert.Throws<InvalidDataException>(() => Load(Damaged(b => b[0] = (byte)'X')));
        Assert.Throws<InvalidDataException>(() => Load(Damaged(b => b[4] = 1)));
        Assert.Throws<InvalidDataException>(() => Load(Damaged(b => b[15] = 0x7F)));
        Assert.Throws<InvalidDataException>(() => Load(saved[..(saved.Length - 1)]));
        Assert.Throws<InvalidDataException>(() => Load(saved[..10]));
        Assert.Throws<InvalidDataException>(() => Load([]));
    }

    [Fact]
    public void Intents_with_fewer_examples_than_folds_still_train()
    {
        var (train, oos) = Small();
        Example[] tiny =
        [
            new("order me a large pepperoni pizza", "order_pizza"),
            new("reset my router please", "reset_router"),
            new("book a table tennis court", "book_court"),
            new("book a squash court for tomorrow", "book_court"),
            new("reserve the tennis court at five", "book_court"),
        ];

        var model = Train([.. train, .. tiny], oos);

        foreach (var example in tiny)
        {
            Assert.Equal(example.Intent, model.Parse(example.Text, Embed(example.Text)).BestIntent);
        }

        Assert.Equal(0, model.Evaluation.PerIntent["order_pizza"].HeldOutExamples);
        Assert.Null(model.Evaluation.PerIntent["order_pizza"].Recall);
        Assert.Null(model.Evaluation.PerIntent["book_court"].Recall);
        Assert.NotNull(model.Evaluation.PerIntent[train[0].Intent].Recall);
        Assert.All(model.Evaluation.PerIntent.Values, q => Assert.False(q.Precision is double p && double.IsNaN(p)));
        Assert.True(double.IsFinite(model.Threshold));
    }

    [Fact]
    public void Without_held_out_fold_or_out_of_scope_examples_nothing_is_rejected_until_the_caller_sets_a_threshold()
    {
        Example[] train =
        [
            new("what is my account balance", "balance"),
            new("how much money do i have", "balance"),
            new("show my balance", "balance"),
            new("set a timer for ten minutes", "timer"),
            new("start a five minute timer", "timer"),
        ];

        var model = Train(train, []);
        var query = "how much money is in my account";
        var prediction = model.Parse(query, Embed(query));

        Assert.Equal(double.NegativeInfinity, model.Threshold);
        Assert.Equal(0, model.Evaluation.InScopeExamples);
        Assert.Null(model.Evaluation.Accuracy);
        Assert.Null(model.Evaluation.OutOfScopeRecall);
        Assert.Empty(model.Evaluation.Confusions);
        Assert.Equal("balance", prediction.BestIntent);
        Assert.False(prediction.OutOfScope);
        Assert.True(double.IsFinite(prediction.InScopeScore));
        Assert.True(model.Parse(query, Embed(query), threshold: 1e6).OutOfScope);
        Assert.Equal(model.SizeInBytes, Save(model).Length);
    }

    [Fact]
    public void Without_out_of_scope_examples_the_held_out_fold_still_measures_accuracy()
    {
        var (train, _) = Small();

        var model = Train(train, []);

        Assert.Equal(double.NegativeInfinity, model.Threshold);
        Assert.Null(model.Evaluation.OutOfScopeRecall);
        Assert.Equal(model.Evaluation.Accuracy, model.Evaluation.InScopeAccuracy);
        Assert.DoesNotContain(Data.OosVal, t => model.Parse(t, Embed(t)).OutOfScope);
    }

    [Fact]
    public void Fewer_than_two_intents_and_mismatched_inputs_are_refused()
    {
        Example[] one = [new("what is my balance", "balance"), new("show my balance", "balance")];
        var vectors = one.Select(e => Embed(e.Text)).ToArray();

        Assert.Throws<ArgumentException>(() => Train(one, []));
        Assert.Throws<ArgumentException>(() => IntentClassifier.Train(["a", "b"], ["x", "y"], [vectors[0]], [], []));
        Assert.Throws<ArgumentException>(() =>
            IntentClassifier.Train(["a", "b"], ["x", "y"], [vectors[0], new float[3]], [], []));
        Assert.Throws<ArgumentException>(() =>
            IntentClassifier.Train(["a", "b"], ["x", "y"], vectors, [], [], new IntentClassifierOptions { Folds = 1 }));
        Assert.Throws<ArgumentException>(() => Model.Value.Parse("hello", new float[3]));
    }

    private static IntentClassifier Train(Example[] train, string[] oos, IntentClassifierOptions? options = null) =>
        IntentClassifier.Train(
            train.Select(e => e.Text).ToArray(),
            train.Select(e => e.Intent).ToArray(),
            train.Select(e => Embed(e.Text)).ToArray(),
            oos,
            oos.Select(Embed).ToArray(),
            options);

    // Eight intents and twenty OOS examples: enough to exercise every step, quick to train.
    private static (Example[] Train, string[] Oos) Small()
    {
        var intents = Data.Train.Select(e => e.Intent).Distinct().Take(8).ToHashSet();
        return (Data.Train.Where(e => intents.Contains(e.Intent)).ToArray(), Data.OosTrain[..20]);
    }

    private static byte[] Save(IntentClassifier model)
    {
        using var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }

    private static IntentClassifier Load(byte[] bytes) => IntentClassifier.Load(new MemoryStream(bytes));

    private static float[] Embed(string text)
    {
        var v = new float[Dimensions];
        var words = text.ToLowerInvariant()
            .Split([' ', ',', '.', '?', '!', '\''], StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < words.Length; i++)
        {
            Add(v, words[i]);
            if (i > 0)
            {
                Add(v, words[i - 1] + " " + words[i]);
            }
        }

        var norm = MathF.Sqrt(v.Sum(x => x * x));
        for (var j = 0; j < v.Length && norm > 0; j++)
        {
            v[j] /= norm;
        }

        return v;
    }

    // FNV-1a: string.GetHashCode differs between processes.
    private static void Add(float[] v, string feature)
    {
        var h = 2166136261u;
        foreach (var c in feature)
        {
            h = (h ^ c) * 16777619u;
        }

        v[h % Dimensions] += (h & 0x8000_0000u) == 0 ? 1f : -1f;
    }

    private sealed record Example(string Text, string Intent);

    private sealed record Clinc(Example[] Train, Example[] Val, string[] OosTrain, string[] OosVal)
    {
        public static Clinc Load()
        {
            using var stream = typeof(IntentClassifierTests).Assembly
                .GetManifestResourceStream("clinc150-subset.json")!;
            using var json = JsonDocument.Parse(stream);
            Example[] Examples(string name) =>
            [
                .. json.RootElement.GetProperty(name).EnumerateArray()
                    .Select(e => new Example(e[0].GetString()!, e[1].GetString()!)),
            ];
            string[] Texts(string name) =>
                [.. json.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];
            return new Clinc(Examples("train"), Examples("val"), Texts("oos_train"), Texts("oos_val"));
        }
    }
}
