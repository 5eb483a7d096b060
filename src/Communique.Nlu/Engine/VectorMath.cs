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

    // The dot product of 8-bit integers (widened to float) with floats, in the same fixed order as Dot.
    public static float Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<float> b)
    {
        var va = MemoryMarshal.Cast<sbyte, Vector<sbyte>>(a);
        var acc0 = Vector<float>.Zero;
        var acc1 = Vector<float>.Zero;
        var n = Vector<float>.Count;
        for (var j = 0; j < va.Length; j++)
        {
            Vector.Widen(va[j], out var low, out var high);
            Vector.Widen(low, out var w0, out var w1);
            Vector.Widen(high, out var w2, out var w3);
            var at = j * Vector<sbyte>.Count;
            acc0 += Vector.ConvertToSingle(w0) * new Vector<float>(b.Slice(at, n));
            acc1 += Vector.ConvertToSingle(w1) * new Vector<float>(b.Slice(at + n, n));
            acc0 += Vector.ConvertToSingle(w2) * new Vector<float>(b.Slice(at + (2 * n), n));
            acc1 += Vector.ConvertToSingle(w3) * new Vector<float>(b.Slice(at + (3 * n), n));
        }

        var s = Vector.Sum(acc0 + acc1);
        for (var i = va.Length * Vector<sbyte>.Count; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    // y += alpha * x, x in 8-bit integers.
    public static void Axpy(float alpha, ReadOnlySpan<sbyte> x, Span<float> y)
    {
        var vx = MemoryMarshal.Cast<sbyte, Vector<sbyte>>(x);
        var va = new Vector<float>(alpha);
        var n = Vector<float>.Count;
        for (var j = 0; j < vx.Length; j++)
        {
            Vector.Widen(vx[j], out var low, out var high);
            Vector.Widen(low, out var w0, out var w1);
            Vector.Widen(high, out var w2, out var w3);
            var at = j * Vector<sbyte>.Count;
            AddTo(y.Slice(at, n), va * Vector.ConvertToSingle(w0));
            AddTo(y.Slice(at + n, n), va * Vector.ConvertToSingle(w1));
            AddTo(y.Slice(at + (2 * n), n), va * Vector.ConvertToSingle(w2));
            AddTo(y.Slice(at + (3 * n), n), va * Vector.ConvertToSingle(w3));
        }

        for (var i = vx.Length * Vector<sbyte>.Count; i < x.Length; i++)
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

    private static void AddTo(Span<float> y, Vector<float> v) => (new Vector<float>(y) + v).CopyTo(y);

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
