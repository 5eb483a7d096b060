using System.Numerics;
using System.Runtime.InteropServices;

namespace Communique.Nlu.Engine;

// The SIMD kernels of the intent classifier. Every sum runs in a fixed order, so a model trains and parses to the same
// bits on every run of one machine; a CPU with another Vector<float> width adds in another order and differs in the
// last bits (a saved model still loads and works there).
internal static class VectorMath
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        var acc0 = Vector<float>.Zero;
        var acc1 = Vector<float>.Zero;
        var j = 0;
        for (; j + 1 < va.Length; j += 2)
        {
            acc0 += va[j] * vb[j];
            acc1 += va[j + 1] * vb[j + 1];
        }

        if (j < va.Length)
        {
            acc0 += va[j] * vb[j];
        }

        var s = Vector.Sum(acc0 + acc1);
        for (var i = va.Length * Vector<float>.Count; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    // y += alpha * x
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        var va = new Vector<float>(alpha);
        for (var j = 0; j < vx.Length; j++)
        {
            vy[j] += va * vx[j];
        }

        for (var i = vx.Length * Vector<float>.Count; i < x.Length; i++)
        {
            y[i] += alpha * x[i];
        }
    }

    // For the long parameter vectors of L-BFGS: float partial sums per block of 1,024, accumulated in double, so the
    // result neither loses the small terms nor depends on how the work is split.
    public static double DotD(float[] a, float[] b)
    {
        double s = 0;
        for (var i = 0; i < a.Length; i += 1024)
        {
            var length = Math.Min(1024, a.Length - i);
            s += Dot(a.AsSpan(i, length), b.AsSpan(i, length));
        }

        return s;
    }

    public static void SoftmaxInPlace(Span<float> z)
    {
        var max = float.MinValue;
        foreach (var v in z)
        {
            max = Math.Max(max, v);
        }

        double s = 0;
        for (var k = 0; k < z.Length; k++)
        {
            z[k] = MathF.Exp(z[k] - max);
            s += z[k];
        }

        var inv = (float)(1 / s);
        for (var k = 0; k < z.Length; k++)
        {
            z[k] *= inv;
        }
    }
}
