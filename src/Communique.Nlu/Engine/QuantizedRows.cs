namespace Communique.Nlu.Engine;

// A matrix kept as 8-bit integers, each row with its own scale (its largest magnitude / 127), for what a loaded
// version holds in bulk: the lexical weights and the training vectors. A quarter of the memory of floats; a row's
// values are off by at most half a step of its own scale, which moves a dot product with a unit vector by about 1e-3.
internal sealed class QuantizedRows
{
    private readonly sbyte[] _values;
    private readonly float[] _scales;

    public QuantizedRows(int width, sbyte[] values, float[] scales)
    {
        if (width < 1 || values.Length != (long)scales.Length * width)
        {
            throw new ArgumentException("The values do not match the rows and their width.", nameof(values));
        }

        if (!scales.All(s => float.IsFinite(s) && s >= 0))
        {
            throw new ArgumentException("A row's scale is not a finite number, 0 or more.", nameof(scales));
        }

        Width = width;
        _values = values;
        _scales = scales;
    }

    public int Width { get; }

    public int Rows => _scales.Length;

    public ReadOnlySpan<sbyte> Values => _values;

    public ReadOnlySpan<float> Scales => _scales;

    // rows holds row after row of width floats.
    public static QuantizedRows Quantize(ReadOnlySpan<float> rows, int width)
    {
        var count = rows.Length / width;
        var values = new sbyte[count * width];
        var scales = new float[count];
        for (var r = 0; r < count; r++)
        {
            scales[r] = QuantizeRow(rows.Slice(r * width, width), values.AsSpan(r * width, width));
        }

        return new QuantizedRows(width, values, scales);
    }

    public static QuantizedRows Quantize(IReadOnlyCollection<float[]> rows, int width)
    {
        var values = new sbyte[rows.Count * width];
        var scales = new float[rows.Count];
        var r = 0;
        foreach (var row in rows)
        {
            scales[r] = QuantizeRow(row.AsSpan(0, width), values.AsSpan(r * width, width));
            r++;
        }

        return new QuantizedRows(width, values, scales);
    }

    public float Dot(int row, ReadOnlySpan<float> x) =>
        _scales[row] * VectorMath.Dot(_values.AsSpan(row * Width, Width), x);

    // y += alpha * row
    public void AddTo(int row, float alpha, Span<float> y) =>
        VectorMath.Axpy(alpha * _scales[row], _values.AsSpan(row * Width, Width), y);

    // Returns the row's scale.
    private static float QuantizeRow(ReadOnlySpan<float> row, Span<sbyte> into)
    {
        var max = 0f;
        foreach (var v in row)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        var scale = max / 127;
        if (scale > 0)
        {
            for (var j = 0; j < row.Length; j++)
            {
                into[j] = (sbyte)Math.Clamp(MathF.Round(row[j] / scale), -127, 127);
            }
        }

        return scale;
    }
}
