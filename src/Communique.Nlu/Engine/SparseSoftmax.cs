namespace Communique.Nlu.Engine;

// Multinomial logistic regression on sparse rows (the TF-IDF features), L2-regularised. Trained on float parameters,
// feature-major, W[f * K + k], then the biases: a row touches only the weights of its own features. The model keeps
// each feature's weights quantised (QuantizedRows): they are most of a loaded version, and the models held out in
// training are quantised the same way, so the mixing weight and the threshold are tuned on what parsing computes.
internal sealed class SparseSoftmax
{
    private const int Chunks = 8;

    private readonly float[] _biases;

    private SparseSoftmax(QuantizedRows weights, float[] biases)
    {
        if (weights.Width != biases.Length)
        {
            throw new ArgumentException("The weights and the biases do not have the same classes.", nameof(biases));
        }

        Weights = weights;
        _biases = biases;
    }

    public int Classes => _biases.Length;

    public int Features => Weights.Rows;

    public QuantizedRows Weights { get; }

    public ReadOnlySpan<float> Biases => _biases;

    public static SparseSoftmax FromParameters(int classes, int features, float[] parameters)
    {
        if (parameters.Length != (features * classes) + classes)
        {
            throw new ArgumentException("The parameters do not match the shape.", nameof(parameters));
        }

        return new SparseSoftmax(
            QuantizedRows.Quantize(parameters.AsSpan(0, features * classes), classes),
            parameters[(features * classes)..]);
    }

    public static SparseSoftmax FromWeights(QuantizedRows weights, float[] biases) => new(weights, biases);

    public float[] Proba(SparseVector x)
    {
        var z = (float[])_biases.Clone();
        for (var j = 0; j < x.Indices.Length; j++)
        {
            Weights.AddTo(x.Indices[j], x.Values[j], z);
        }

        VectorMath.SoftmaxInPlace(z);
        return z;
    }

    private static float[] Logits(float[] p, int classes, int features, SparseVector x)
    {
        var z = new float[classes];
        Array.Copy(p, classes * features, z, 0, classes);
        for (var j = 0; j < x.Indices.Length; j++)
        {
            VectorMath.Axpy(x.Values[j], p.AsSpan(x.Indices[j] * classes, classes), z);
        }

        return z;
    }

    // The float parameters (see FromParameters).
    public static float[] Train(
        SparseVector[] x, int[] y, int classes, int features, double l2, int threads, float[]? init = null)
    {
        var n = x.Length;
        var np = (features * classes) + classes;
        var chunkGradients = new float[Chunks][];
        for (var c = 0; c < Chunks; c++)
        {
            chunkGradients[c] = new float[np];
        }

        var chunkLosses = new double[Chunks];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };

        double Eval(float[] p, float[] g)
        {
            Parallel.For(0, Chunks, parallel, c =>
            {
                var gradient = chunkGradients[c];
                Array.Clear(gradient);
                double loss = 0;
                var a = (int)((long)n * c / Chunks);
                var b = (int)((long)n * (c + 1) / Chunks);
                for (var i = a; i < b; i++)
                {
                    var z = Logits(p, classes, features, x[i]);
                    var max = z.Max();
                    double s = 0;
                    for (var k = 0; k < classes; k++)
                    {
                        z[k] = MathF.Exp(z[k] - max);
                        s += z[k];
                    }

                    loss -= Math.Log(Math.Max(z[y[i]] / s, 1e-30));
                    var invs = (float)(1 / s);
                    for (var k = 0; k < classes; k++)
                    {
                        z[k] = (z[k] * invs) - (k == y[i] ? 1f : 0f);
                    }

                    for (var j = 0; j < x[i].Indices.Length; j++)
                    {
                        VectorMath.Axpy(x[i].Values[j], z, gradient.AsSpan(x[i].Indices[j] * classes, classes));
                    }

                    VectorMath.Axpy(1f, z, gradient.AsSpan(classes * features, classes));
                }

                chunkLosses[c] = loss;
            });
            return Lbfgs.Reduce(chunkGradients, chunkLosses, p, g, n, l2, classes * features);
        }

        return Lbfgs.Minimize(Eval, init ?? new float[np]);
    }
}
