namespace Communique.Nlu.Engine;

// The intent classifier's in-scope score: logistic regression telling held-out in-scope rows from OOS examples on
// standardised features (see IntentClassifier.Features); Score is its logit.
internal sealed class Calibrator
{
    public const int FeatureCount = 4;

    private readonly double[] _mean;
    private readonly double[] _sd;
    private readonly double[] _weights;

    public Calibrator(double[] mean, double[] sd, double[] weights, double bias)
    {
        _mean = mean;
        _sd = sd;
        _weights = weights;
        Bias = bias;
    }

    // When there is nothing to fit: the score is feature 1, ln p1 - ln p2, whose Confidence is about p1 / (p1 + p2).
    public static Calibrator Margin { get; } = new([0, 0, 0, 0], [1, 1, 1, 1], [0, 1, 0, 0], 0);

    public IReadOnlyList<double> Mean => _mean;

    public IReadOnlyList<double> StandardDeviation => _sd;

    public IReadOnlyList<double> Weights => _weights;

    public double Bias { get; }

    public static Calibrator Fit(double[][] inScope, double[][] outOfScope)
    {
        var all = inScope.Concat(outOfScope).ToArray();
        var nf = all[0].Length;
        var mean = Enumerable.Range(0, nf).Select(j => all.Average(f => f[j])).ToArray();
        var sd = Enumerable.Range(0, nf)
            .Select(j => Math.Sqrt(all.Average(f => Math.Pow(f[j] - mean[j], 2))) + 1e-9).ToArray();

        float[] Standardise(double[] f) => f.Select((v, j) => (float)((v - mean[j]) / sd[j])).ToArray();

        // Balanced classes: the OOS examples are weighted up to the in-scope count.
        var weights = inScope.Select(_ => 1f)
            .Concat(outOfScope.Select(_ => (float)inScope.Length / outOfScope.Length)).ToArray();
        var labels = inScope.Select(_ => 0).Concat(outOfScope.Select(_ => 1)).ToArray();
        var m = Softmax.Train(all.Select(Standardise).ToArray(), labels, 2, 1e-3, 1, null, weights);
        var p = m.Parameters;
        var w = Enumerable.Range(0, nf).Select(j => (double)(p[j] - p[nf + j])).ToArray();
        return new Calibrator(mean, sd, w, p[2 * nf] - p[(2 * nf) + 1]);
    }

    public double Score(double[] f)
    {
        var s = Bias;
        for (var j = 0; j < f.Length; j++)
        {
            s += _weights[j] * (f[j] - _mean[j]) / _sd[j];
        }

        return s;
    }
}
