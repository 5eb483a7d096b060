using System.Diagnostics;
using static System.FormattableString;

namespace Communique.Nlu.Engine;

// Intent classifier with out-of-scope (OOS) rejection, over precomputed sentence embeddings.
//
//   p(intent)       = w * softmax-regression(embedding) + (1 - w) * softmax-regression(word + char n-gram TF-IDF)
//   in-scope score  = logistic calibrator over [log max p, log(p1 / p2), max cos, mean top-5 cos to training examples]
//   reject as OOS iff score < threshold
//
// w, the calibrator and the threshold are fitted on one stratified held-out fold (1/Folds of the training data, models
// trained on the rest) plus the OOS examples; the final models are then retrained on all data (warm-started from the
// fold models; the objectives are strictly convex, so this only saves time). The threshold is the one reaching
// TargetOosRecall on the OOS examples. Everything is deterministic: fixed fold assignment, fixed partition of sums
// (independent of the thread count), ordinal sorting.
//
// Two cases have nothing to fit on, and do without rather than guess:
// - An intent with fewer examples than Folds keeps all of them for training; the held-out fold has no rows of it (its
//   recall in the evaluation is null). If no intent has Folds examples the held-out fold is empty and w is 0.5.
// - Without OOS examples (or without a held-out fold) the calibrator is not fitted: the score is the margin
//   ln p1 - ln p2 between the best and the second intent, and the threshold is -infinity (nothing is rejected until the
//   caller passes a threshold to Parse). A threshold taken from in-scope scores alone would reject in-scope utterances
//   without any evidence that it catches out-of-scope ones.
public sealed class IntentClassifier
{
    private const int TopNeighbours = 5;
    private const int MaxConfusions = 20;

    private readonly string[] _intents;

    internal IntentClassifier(string[] intents, int views, TfIdf tfidf, Softmax dense, SparseSoftmax lexical,
        QuantizedRows examples, double mixingWeight, Calibrator calibrator, double threshold,
        HeldOutEvaluation evaluation, long? sizeInBytes)
    {
        _intents = intents;
        Views = views;
        Dimensions = dense.Dimensions;
        TfIdf = tfidf;
        Dense = dense;
        Lexical = lexical;
        Examples = examples;
        MixingWeight = mixingWeight;
        Calibrator = calibrator;
        Threshold = threshold;
        Evaluation = evaluation;
        Intents = Array.AsReadOnly(intents);
        SizeInBytes = sizeInBytes ?? IntentClassifierFormat.Measure(this);
    }

    // Ordinal order.
    public IReadOnlyList<string> Intents { get; }

    // The tuned in-scope threshold, on the score scale (see Confidence).
    public double Threshold { get; }

    public HeldOutEvaluation Evaluation { get; }

    // The length of what Save writes.
    public long SizeInBytes { get; }

    // The in-scope score is a logit: the log-odds, as fitted on the held-out fold against the OOS examples, that an
    // utterance is in scope. This maps it to a 0..1 confidence for display; a confidence threshold c is the score
    // threshold Math.Log(c / (1 - c)), which is what Parse takes.
    public static double Confidence(double score) => 1 / (1 + Math.Exp(-score));

    internal int Views { get; }

    internal int Dimensions { get; }

    internal TfIdf TfIdf { get; }

    internal Softmax Dense { get; }

    internal SparseSoftmax Lexical { get; }

    // The training vectors, one row each, for the nearest-neighbour features.
    internal QuantizedRows Examples { get; }

    internal double MixingWeight { get; }

    internal Calibrator Calibrator { get; }

    public static IntentClassifier Train(
        IReadOnlyList<string> texts, IReadOnlyList<string> intents, IReadOnlyList<float[]> vectors,
        IReadOnlyList<string> outOfScopeTexts, IReadOnlyList<float[]> outOfScopeVectors,
        IntentClassifierOptions? options = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(intents);
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(outOfScopeTexts);
        ArgumentNullException.ThrowIfNull(outOfScopeVectors);
        var o = options ?? new IntentClassifierOptions();
        Validate(o);
        var (x, oosX) = ValidateData(texts, intents, vectors, outOfScopeTexts, outOfScopeVectors);
        var dimensions = x[0].Length;

        var names = intents.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (names.Length < 2)
        {
            throw new ArgumentException("Training needs at least two intents.", nameof(intents));
        }

        var classes = names.Length;
        var n = texts.Count;
        var index = names.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var y = intents.Select(name => index[name]).ToArray();
        var held = HeldOutRows(y, classes, o.Folds);
        var fitRows = Enumerable.Range(0, n).Where(i => !held[i]).ToArray();
        var heldRows = Enumerable.Range(0, n).Where(i => held[i]).ToArray();
        var oosCount = outOfScopeTexts.Count;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = o.Threads };
        var clock = Stopwatch.StartNew();

        void Log(string message) => log?.Invoke(Invariant($"[{clock.Elapsed.TotalSeconds,6:F1}s] {message}"));

        // 1. Fold models.
        var foldTfIdf = TfIdf.Fit(fitRows.Select(i => texts[i]));
        var fitY = fitRows.Select(i => y[i]).ToArray();
        var foldDense = Softmax.Train(fitRows.Select(i => x[i]).ToArray(), fitY, classes, o.DenseL2, o.Threads);
        Log(Invariant($"fold dense model ({fitRows.Length} rows)"));
        var foldLexicalParameters = SparseSoftmax.Train(
            fitRows.Select(i => foldTfIdf.Transform(texts[i])).ToArray(), fitY, classes, foldTfIdf.Count, o.LexicalL2,
            o.Threads);
        var foldLexical = SparseSoftmax.FromParameters(classes, foldTfIdf.Count, foldLexicalParameters);
        Log(Invariant($"fold lexical model (vocab {foldTfIdf.Count})"));
        var foldExamples = QuantizedRows.Quantize(fitRows.Select(i => x[i]).ToArray(), dimensions);

        // 2. Held-out predictions -> mixing weight, calibrator, threshold.
        var heldDense = new float[heldRows.Length][];
        var heldLexical = new float[heldRows.Length][];
        var oosDense = new float[oosCount][];
        var oosLexical = new float[oosCount][];
        Parallel.For(0, heldRows.Length + oosCount, parallel, r =>
        {
            if (r < heldRows.Length)
            {
                heldDense[r] = foldDense.Proba(x[heldRows[r]]);
                heldLexical[r] = foldLexical.Proba(foldTfIdf.Transform(texts[heldRows[r]]));
            }
            else
            {
                var j = r - heldRows.Length;
                oosDense[j] = foldDense.Proba(oosX[j]);
                oosLexical[j] = foldLexical.Proba(foldTfIdf.Transform(outOfScopeTexts[j]));
            }
        });

        var mixingWeight = 0.5;
        var bestCorrect = -1;
        if (heldRows.Length > 0)
        {
            for (var step = 0; step <= 20; step++)
            {
                var w = step / 20.0;
                var correct = 0;
                for (var r = 0; r < heldRows.Length; r++)
                {
                    if (ArgMax(Mix(heldDense[r], heldLexical[r], w)) == y[heldRows[r]])
                    {
                        correct++;
                    }
                }

                if (correct > bestCorrect)
                {
                    bestCorrect = correct;
                    mixingWeight = w;
                }
            }
        }

        var featuresIn = new double[heldRows.Length][];
        var featuresOos = new double[oosCount][];
        var bestIn = new int[heldRows.Length];
        var bestOos = new int[oosCount];
        Parallel.For(0, heldRows.Length + oosCount, parallel, r =>
        {
            if (r < heldRows.Length)
            {
                var p = Mix(heldDense[r], heldLexical[r], mixingWeight);
                featuresIn[r] = Features(p, x[heldRows[r]], foldExamples, o.Views, out bestIn[r]);
            }
            else
            {
                var j = r - heldRows.Length;
                var p = Mix(oosDense[j], oosLexical[j], mixingWeight);
                featuresOos[j] = Features(p, oosX[j], foldExamples, o.Views, out bestOos[j]);
            }
        });
        if (heldRows.Length > 0)
        {
            Log(Invariant(
                $"held-out fold: w = {mixingWeight:F2}, accuracy {100.0 * bestCorrect / heldRows.Length:F2}%"));
        }
        else
        {
            Log("held-out fold: empty (no intent has Folds examples), w = 0.50");
        }

        var calibrator = heldRows.Length > 0 && oosCount > 0
            ? Calibrator.Fit(featuresIn, featuresOos)
            : Calibrator.Margin;
        var scoresIn = featuresIn.Select(calibrator.Score).ToArray();
        var scoresOos = featuresOos.Select(calibrator.Score).ToArray();
        var threshold = double.NegativeInfinity;
        if (heldRows.Length > 0 && oosCount > 0)
        {
            var sorted = scoresOos.Order().ToArray();
            var need = (int)Math.Ceiling((o.TargetOosRecall * sorted.Length) - 1e-9);
            threshold = need == 0 ? double.NegativeInfinity : Math.BitIncrement(sorted[need - 1]);
        }

        var evaluation = Evaluate(
            names, heldRows.Select(i => y[i]).ToArray(), bestIn, scoresIn, bestOos, scoresOos, threshold);
        Log(Invariant($"w={mixingWeight:F2} threshold={threshold:F3} ")
            + Invariant($"held-out: in-scope acc {100 * evaluation.InScopeAccuracy:F2}% ")
            + Invariant($"(no rejection {100 * evaluation.Accuracy:F2}%), ")
            + Invariant($"OOS recall {100 * evaluation.OutOfScopeRecall:F0}%"));

        // 3. Final models on all data, warm-started.
        var tfidf = TfIdf.Fit(texts);
        var dense = Softmax.Train(x, y, classes, o.DenseL2, o.Threads, foldDense.Parameters);
        Log("full dense model");

        // The fold weights mapped onto the full vocabulary.
        var lexicalInit = new float[(tfidf.Count * classes) + classes];
        for (var fi = 0; fi < foldTfIdf.Count; fi++)
        {
            if (tfidf.TryGetIndex(foldTfIdf.Term(fi), out var ci))
            {
                Array.Copy(foldLexicalParameters, fi * classes, lexicalInit, ci * classes, classes);
            }
        }

        Array.Copy(foldLexicalParameters, foldTfIdf.Count * classes, lexicalInit, tfidf.Count * classes, classes);
        var lexical = SparseSoftmax.FromParameters(classes, tfidf.Count, SparseSoftmax.Train(
            texts.Select(tfidf.Transform).ToArray(), y, classes, tfidf.Count, o.LexicalL2, o.Threads, lexicalInit));
        Log(Invariant($"full lexical model (vocab {tfidf.Count})"));

        return new IntentClassifier(names, o.Views, tfidf, dense, lexical, QuantizedRows.Quantize(x, dimensions),
            mixingWeight, calibrator, threshold, evaluation, sizeInBytes: null);
    }

    // threshold replaces the tuned one (score scale; see Confidence). Safe to call from many threads at once.
    public IntentPrediction Parse(string text, float[] vector, int top = 5, double? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException(
                Invariant($"The model takes {Dimensions}-dimensional vectors, not {vector.Length}."), nameof(vector));
        }

        if (threshold is double t && double.IsNaN(t))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), "The threshold is not a number.");
        }

        var p = Mix(Dense.Proba(vector), Lexical.Proba(TfIdf.Transform(text)), MixingWeight);
        var features = Features(p, vector, Examples, Views, out var best);
        var score = Calibrator.Score(features);
        var ranking = Enumerable.Range(0, p.Length)
            .OrderByDescending(k => p[k])
            .Take(top)
            .Select(k => (_intents[k], (double)p[k]))
            .ToArray();
        return new IntentPrediction(_intents[best], p[best], score, score < (threshold ?? Threshold), ranking);
    }

    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        IntentClassifierFormat.Write(this, stream);
    }

    public static IntentClassifier Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return IntentClassifierFormat.Read(stream);
    }

    private static void Validate(IntentClassifierOptions options)
    {
        var problem = options switch
        {
            { Folds: < 2 } => "Folds must be 2 or more.",
            { Views: < 1 } => "Views must be 1 or more.",
            { Threads: < 1 } => "Threads must be 1 or more.",
            { DenseL2: not >= 0 } or { DenseL2: double.PositiveInfinity } =>
                "DenseL2 must be a finite number, 0 or more.",
            { LexicalL2: not >= 0 } or { LexicalL2: double.PositiveInfinity } =>
                "LexicalL2 must be a finite number, 0 or more.",
            { TargetOosRecall: not (>= 0 and <= 1) } => "TargetOosRecall must be between 0 and 1.",
            _ => null,
        };
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(options));
        }
    }

    private static (float[][] Vectors, float[][] OutOfScopeVectors) ValidateData(
        IReadOnlyList<string> texts, IReadOnlyList<string> intents, IReadOnlyList<float[]> vectors,
        IReadOnlyList<string> outOfScopeTexts, IReadOnlyList<float[]> outOfScopeVectors)
    {
        if (intents.Count != texts.Count || vectors.Count != texts.Count)
        {
            throw new ArgumentException("Every training text needs one intent and one vector.", nameof(vectors));
        }

        if (outOfScopeVectors.Count != outOfScopeTexts.Count)
        {
            throw new ArgumentException("Every out-of-scope text needs one vector.", nameof(outOfScopeVectors));
        }

        if (texts.Count == 0 || vectors[0] is null || vectors[0].Length == 0)
        {
            throw new ArgumentException("Training needs examples with non-empty vectors.", nameof(vectors));
        }

        if (texts.Any(t => t is null) || intents.Any(i => i is null) || outOfScopeTexts.Any(t => t is null))
        {
            throw new ArgumentException("Texts and intents cannot be null.", nameof(texts));
        }

        var dimensions = vectors[0].Length;
        if (vectors.Concat(outOfScopeVectors).Any(v => v is null || v.Length != dimensions))
        {
            throw new ArgumentException(
                Invariant($"Every vector must have {dimensions} dimensions, like the first."), nameof(vectors));
        }

        return (vectors.ToArray(), outOfScopeVectors.ToArray());
    }

    // Every Folds-th example of each intent (the first, then every Folds-th), for intents with at least Folds examples.
    private static bool[] HeldOutRows(int[] y, int classes, int folds)
    {
        var counts = new int[classes];
        foreach (var label in y)
        {
            counts[label]++;
        }

        var seen = new int[classes];
        var held = new bool[y.Length];
        for (var i = 0; i < y.Length; i++)
        {
            var label = y[i];
            if (counts[label] >= folds)
            {
                held[i] = seen[label] % folds == 0;
                seen[label]++;
            }
        }

        return held;
    }

    private static float[] Mix(float[] a, float[] b, double w)
    {
        var r = new float[a.Length];
        for (var k = 0; k < a.Length; k++)
        {
            r[k] = (float)((w * a[k]) + ((1 - w) * b[k]));
        }

        return r;
    }

    private static int ArgMax(float[] p)
    {
        var a = 0;
        for (var k = 1; k < p.Length; k++)
        {
            if (p[k] > p[a])
            {
                a = k;
            }
        }

        return a;
    }

    // The calibrator's inputs: how sure the mixture is, how far ahead of the runner-up, and how close the utterance
    // lies to the nearest training examples (cosines, divided by the number of normalised views in a vector).
    private static double[] Features(float[] p, float[] vector, QuantizedRows examples, int views, out int best)
    {
        best = ArgMax(p);
        double p2 = 0;
        for (var k = 0; k < p.Length; k++)
        {
            if (k != best)
            {
                p2 = Math.Max(p2, p[k]);
            }
        }

        var top = new float[TopNeighbours];
        Array.Fill(top, -2f);
        for (var row = 0; row < examples.Rows; row++)
        {
            var cs = examples.Dot(row, vector);
            if (cs > top[TopNeighbours - 1])
            {
                var q = TopNeighbours - 1;
                while (q > 0 && top[q - 1] < cs)
                {
                    top[q] = top[q - 1];
                    q--;
                }

                top[q] = cs;
            }
        }

        double mean = 0;
        foreach (var v in top)
        {
            mean += v;
        }

        return
        [
            Math.Log(p[best] + 1e-9),
            Math.Log(p[best] + 1e-9) - Math.Log(p2 + 1e-9),
            top[0] / (double)views,
            mean / TopNeighbours / views,
        ];
    }

    // Recall and precision are at the tuned threshold: recall is the share of an intent's held-out rows accepted with
    // the right intent; precision the share of accepted predictions of the intent (held-out rows and OOS examples) that
    // were right. The confusions are before rejection: which intents the training data fails to tell apart.
    private static HeldOutEvaluation Evaluate(
        string[] names, int[] expected, int[] bestIn, double[] scoresIn, int[] bestOos, double[] scoresOos,
        double threshold)
    {
        var classes = names.Length;
        var rows = new int[classes];
        var acceptedRight = new int[classes];
        var accepted = new int[classes];
        var correct = 0;
        var correctAccepted = 0;
        var confusions = new Dictionary<(int Expected, int Predicted), int>();
        for (var r = 0; r < expected.Length; r++)
        {
            rows[expected[r]]++;
            var isAccepted = scoresIn[r] >= threshold;
            if (isAccepted)
            {
                accepted[bestIn[r]]++;
            }

            if (bestIn[r] == expected[r])
            {
                correct++;
                if (isAccepted)
                {
                    correctAccepted++;
                    acceptedRight[expected[r]]++;
                }
            }
            else
            {
                confusions[(expected[r], bestIn[r])] = confusions.GetValueOrDefault((expected[r], bestIn[r])) + 1;
            }
        }

        var rejectedOos = 0;
        for (var j = 0; j < scoresOos.Length; j++)
        {
            if (scoresOos[j] < threshold)
            {
                rejectedOos++;
            }
            else
            {
                accepted[bestOos[j]]++;
            }
        }

        var perIntent = new Dictionary<string, IntentQuality>(classes, StringComparer.Ordinal);
        for (var k = 0; k < classes; k++)
        {
            perIntent[names[k]] = new IntentQuality(
                rows[k], Ratio(acceptedRight[k], accepted[k]), Ratio(acceptedRight[k], rows[k]));
        }

        // Names are in ordinal order, so ordering by index is ordering by name.
        var top = confusions
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Key.Expected)
            .ThenBy(c => c.Key.Predicted)
            .Take(MaxConfusions)
            .Select(c => new IntentConfusion(names[c.Key.Expected], names[c.Key.Predicted], c.Value))
            .ToArray();
        return new HeldOutEvaluation(
            expected.Length, scoresOos.Length, Ratio(correct, expected.Length), Ratio(correctAccepted, expected.Length),
            Ratio(rejectedOos, scoresOos.Length), perIntent, top);
    }

    private static double? Ratio(int count, int total) => total == 0 ? null : (double)count / total;
}
