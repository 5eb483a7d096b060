namespace Communique.Nlu.Engine;

// Limited-memory BFGS for the (strictly convex) regularised softmax objectives. Written here rather than taken from a
// library so that every operation, and so the trained model, is bit-for-bit repeatable.
internal static class Lbfgs
{
    private const int Memory = 10;

    // Sums the per-chunk gradients in chunk order (not in the order the threads finish), divides by the total sample
    // weight and adds L2 on the first regularised parameters (the weights; biases are not regularised). Returns the
    // objective.
    public static double Reduce(
        float[][] chunkGradients, double[] chunkLosses, float[] p, float[] g, double weightSum, double l2,
        int regularised)
    {
        double f = 0;
        foreach (var loss in chunkLosses)
        {
            f += loss;
        }

        var inv = (float)(1 / weightSum);
        var l2f = (float)l2;
        double reg = 0;
        for (var j = 0; j < g.Length; j++)
        {
            float s = 0;
            for (var c = 0; c < chunkGradients.Length; c++)
            {
                s += chunkGradients[c][j];
            }

            g[j] = s * inv;
            if (j < regularised)
            {
                reg += (double)p[j] * p[j];
                g[j] += l2f * p[j];
            }
        }

        return (f / weightSum) + (0.5 * l2 * reg);
    }

    // eval(x, gradient) returns the objective at x and writes its gradient. Armijo backtracking line search; stops when
    // max |gradient| < gtol or the objective decreases by less than 1e-9 relative.
    public static float[] Minimize(
        Func<float[], float[], double> eval, float[] x0, int maxIterations = 300, double gtol = 1e-4)
    {
        var np = x0.Length;
        var x = (float[])x0.Clone();
        var g = new float[np];
        var f = eval(x, g);

        // Already at the optimum (e.g. all-zero inputs with balanced classes): the first step below would be 0 / 0.
        if (g.All(v => v == 0f))
        {
            return x;
        }

        var steps = new float[Memory][];
        var gradientChanges = new float[Memory][];
        var rho = new double[Memory];
        var history = 0;
        var head = 0;
        var dir = new float[np];
        var xn = new float[np];
        var gn = new float[np];
        var alpha = new double[Memory];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            for (var j = 0; j < np; j++)
            {
                dir[j] = -g[j];
            }

            for (var h = 0; h < history; h++)
            {
                var s = (head - 1 - h + Memory) % Memory;
                alpha[s] = rho[s] * VectorMath.DotD(steps[s], dir);
                VectorMath.Axpy((float)-alpha[s], gradientChanges[s], dir);
            }

            if (history > 0)
            {
                var last = (head - 1 + Memory) % Memory;
                var gamma = (float)(1 / (rho[last] * VectorMath.DotD(gradientChanges[last], gradientChanges[last])));
                for (var j = 0; j < np; j++)
                {
                    dir[j] *= gamma;
                }
            }
            else
            {
                var scale = (float)(1 / Math.Sqrt(VectorMath.DotD(g, g)));
                for (var j = 0; j < np; j++)
                {
                    dir[j] *= scale;
                }
            }

            for (var h = history - 1; h >= 0; h--)
            {
                var s = (head - 1 - h + Memory) % Memory;
                var beta = rho[s] * VectorMath.DotD(gradientChanges[s], dir);
                VectorMath.Axpy((float)(alpha[s] - beta), steps[s], dir);
            }

            var gd = VectorMath.DotD(g, dir);
            if (gd >= 0)
            {
                // Not a descent direction: restart from steepest descent.
                for (var j = 0; j < np; j++)
                {
                    dir[j] = -g[j];
                }

                gd = VectorMath.DotD(g, dir);
                history = 0;
            }

            double step = 1;
            double fn = 0;
            for (var search = 0; search < 30; search++)
            {
                for (var j = 0; j < np; j++)
                {
                    xn[j] = x[j] + ((float)step * dir[j]);
                }

                fn = eval(xn, gn);
                if (fn <= f + (1e-4 * step * gd))
                {
                    break;
                }

                step *= 0.5;
            }

            steps[head] ??= new float[np];
            gradientChanges[head] ??= new float[np];
            for (var j = 0; j < np; j++)
            {
                steps[head][j] = xn[j] - x[j];
                gradientChanges[head][j] = gn[j] - g[j];
            }

            var sy = VectorMath.DotD(steps[head], gradientChanges[head]);
            if (sy > 1e-12)
            {
                rho[head] = 1 / sy;
                head = (head + 1) % Memory;
                history = Math.Min(history + 1, Memory);
            }

            var previous = f;
            (x, xn) = (xn, x);
            (g, gn) = (gn, g);
            f = fn;
            double gmax = 0;
            foreach (var v in g)
            {
                gmax = Math.Max(gmax, Math.Abs(v));
            }

            if (gmax < gtol || previous - f < 1e-9 * Math.Max(1, Math.Abs(f)))
            {
                break;
            }
        }

        return x;
    }
}
