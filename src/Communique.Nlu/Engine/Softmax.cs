namespace Communique.Nlu.Engine;

// Multinomial logistic regression on dense vectors, L2-regularised, trained with L-BFGS. Parameters: the weights
// W[k * D + j] of each class, then the biases.
internal sealed class Softmax
{
    // The rows are cut into this many fixed chunks whatever the thread count, and the chunk gradients are added in
    // chunk order: one or many threads give the same model.
    private const int Chunks = 8;

    private Softmax(int classes, int dimensions, float[] parameters)
    {
        Classes = classes;
        Dimensions = dimensions;
        Parameters = parameters;
    }

    public int Classes { get; }

    public int Dimensions { get; }

    public float[] Parameters { get; }

    public static Softmax FromParameters(int classes, int dimensions, float[] parameters)
    {
        if (parameters.Length != (classes * dimensions) + classes)
        {
            throw new ArgumentException("The parameters do not match the shape.", nameof(parameters));
        }

        return new Softmax(classes, dimensions, parameters);
    }

    public float[] Proba(float[] x)
    {
        var classes = Classes;
        var d = Dimensions;
        var z = new float[classes];
        for (var k = 0; k < classes; k++)
        {
            z[k] = Parameters[(classes * d) + k] + VectorMath.Dot(Parameters.AsSpan(k * d, d), x);
        }

        VectorMath.SoftmaxInPlace(z);
        return z;
    }

    public static Softmax Train(
        float[][] x, int[] y, int classes, double l2, int threads, float[]? init = null, float[]? sampleWeight = null)
    {
        var n = x.Length;
        var d = x[0].Length;
        var np = (classes * d) + classes;
        var weightSum = sampleWeight?.Sum(w => (double)w) ?? n;
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
                var z = new float[classes];
                double loss = 0;
                var a = (int)((long)n * c / Chunks);
                var b = (int)((long)n * (c + 1) / Chunks);
                for (var i = a; i < b; i++)
                {
                    var xi = x[i];
                    for (var k = 0; k < classes; k++)
                    {
                        z[k] = p[(classes * d) + k] + VectorMath.Dot(p.AsSpan(k * d, d), xi);
                    }

                    var max = z.Max();
                    double s = 0;
                    for (var k = 0; k < classes; k++)
                    {
                        z[k] = MathF.Exp(z[k] - max);
                        s += z[k];
                    }

                    var wi = sampleWeight?[i] ?? 1f;
                    loss -= wi * Math.Log(Math.Max(z[y[i]] / s, 1e-30));
                    var invs = (float)(1 / s);
                    for (var k = 0; k < classes; k++)
                    {
                        var gk = wi * ((z[k] * invs) - (k == y[i] ? 1f : 0f));
                        if (gk == 0f)
                        {
                            continue;
                        }

                        VectorMath.Axpy(gk, xi, gradient.AsSpan(k * d, d));
                        gradient[(classes * d) + k] += gk;
                    }
                }

                chunkLosses[c] = loss;
            });
            return Lbfgs.Reduce(chunkGradients, chunkLosses, p, g, weightSum, l2, classes * d);
        }

        return new Softmax(classes, d, Lbfgs.Minimize(Eval, init ?? new float[np]));
    }
}
