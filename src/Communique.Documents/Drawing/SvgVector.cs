using SkiaSharp;
using Shim = ShimSkiaSharp;

namespace Communique.Documents.Drawing;

// An SVG image as outlines, for writers that draw vectors (the PDF): solid fills and strokes, clip rectangles, and the
// transforms between them, in the image's own units (y down from the top left of its view box). Gradients, patterns,
// images, text, filters, dashes, masks, clip paths and group opacity are not kept: an image that uses any of them is
// drawn as pixels instead (From gives null).
internal sealed class SvgVector
{
    // An image whose outlines hold more points than this is drawn as pixels: its cost in the PDF stays bounded.
    private const int MaxPoints = 200_000;

    private SvgVector(IReadOnlyList<SvgStep> steps, float width, float height)
    {
        Steps = steps;
        Width = width;
        Height = height;
    }

    public IReadOnlyList<SvgStep> Steps { get; }

    public float Width { get; }

    public float Height { get; }

    // The model Svg.Skia reads an image into, its paths made real by toPath; width and height in the image's units.
    public static SvgVector? From(Shim.SKPicture model, Func<Shim.SKPath, SKPath?> toPath, float width, float height)
    {
        var steps = new List<SvgStep>();
        var matrices = new Stack<Shim.SKMatrix>();
        var matrix = Shim.SKMatrix.Identity;
        var points = 0;
        foreach (var command in model.Commands ?? [])
        {
            switch (command)
            {
                case Shim.SaveCanvasCommand:
                    matrices.Push(matrix);
                    steps.Add(SvgStep.Save);
                    break;
                case Shim.RestoreCanvasCommand when matrices.Count > 0:
                    matrix = matrices.Pop();
                    steps.Add(SvgStep.Restore);
                    break;
                case Shim.SetMatrixCanvasCommand set:
                    matrix = set.TotalMatrix;
                    break;
                case Shim.ClipRectCanvasCommand { Operation: Shim.SKClipOperation.Intersect } clip:
                    steps.Add(new SvgStep(SvgStepKind.Clip, Rectangle(clip.Rect, matrix)));
                    points += 4;
                    break;
                case Shim.DrawPathCanvasCommand draw:
                    if (!Paint(draw, matrix, toPath, steps, ref points))
                    {
                        return null;
                    }

                    break;
                default:
                    return null;
            }

            if (points > MaxPoints)
            {
                return null;
            }
        }

        return new SvgVector(steps, Math.Max(width, 1e-3f), Math.Max(height, 1e-3f));
    }

    private static bool Paint(
        Shim.DrawPathCanvasCommand draw, Shim.SKMatrix matrix, Func<Shim.SKPath, SKPath?> toPath,
        List<SvgStep> steps, ref int points)
    {
        var paint = draw.Paint;
        if (paint is null || paint.Color is not { } color || paint.Shader is not null || paint.PathEffect is not null
            || paint.ColorFilter is not null || paint.ImageFilter is not null
            || paint.BlendMode != Shim.SKBlendMode.SrcOver || paint.IsStrokeNonScaling || draw.Path is null)
        {
            return false;
        }

        using var path = toPath(draw.Path);
        if (path is null)
        {
            return false;
        }

        var outline = Outline(path, matrix, ref points);
        var colour = new Color(color.Red, color.Green, color.Blue);
        if (paint.Style is Shim.SKPaintStyle.Fill or Shim.SKPaintStyle.StrokeAndFill)
        {
            var evenOdd = path.FillType is SKPathFillType.EvenOdd or SKPathFillType.InverseEvenOdd;
            steps.Add(new SvgStep(evenOdd ? SvgStepKind.FillEvenOdd : SvgStepKind.Fill, outline, colour, color.Alpha));
        }

        if (paint.Style is Shim.SKPaintStyle.Stroke or Shim.SKPaintStyle.StrokeAndFill && paint.StrokeWidth > 0)
        {
            // A stroke keeps its width through a transform only when the transform scales evenly.
            var (a, b, c, d) = (matrix.ScaleX, matrix.SkewY, matrix.SkewX, matrix.ScaleY);
            var (xScale, yScale) = (a * a + b * b, c * c + d * d);
            if (Math.Abs(xScale - yScale) > 1e-4 * Math.Max(xScale, yScale) || Math.Abs(a * c + b * d) > 1e-4 * xScale
                || matrix.Persp0 != 0 || matrix.Persp1 != 0)
            {
                return false;
            }

            steps.Add(new SvgStep(SvgStepKind.Stroke, outline, colour, color.Alpha)
            {
                Width = paint.StrokeWidth * MathF.Sqrt(xScale),
                Cap = (int)paint.StrokeCap,
                Join = (int)paint.StrokeJoin,
                Miter = paint.StrokeMiter,
            });
        }

        return true;
    }

    // The path in the image's units as moves, lines and cubic curves ("m", "l", "c", "h"), with its points.
    private static SvgOutline Outline(SKPath path, Shim.SKMatrix m, ref int count)
    {
        var matrix = new SKMatrix(m.ScaleX, m.SkewX, m.TransX, m.SkewY, m.ScaleY, m.TransY, m.Persp0, m.Persp1,
            m.Persp2);
        using var placed = new SKPath(path);
        placed.Transform(matrix);
        var verbs = new List<char>();
        var points = new List<float>();
        using var iterator = placed.CreateRawIterator();
        var p = new SKPoint[4];
        SKPathVerb verb;
        while ((verb = iterator.Next(p)) != SKPathVerb.Done)
        {
            switch (verb)
            {
                case SKPathVerb.Move:
                    verbs.Add('m');
                    Add(points, p[0]);
                    break;
                case SKPathVerb.Line:
                    verbs.Add('l');
                    Add(points, p[1]);
                    break;
                case SKPathVerb.Quad:
                    Quad(verbs, points, p[0], p[1], p[2]);
                    break;
                case SKPathVerb.Conic:
                    var quads = SKPath.ConvertConicToQuads(p[0], p[1], p[2], iterator.ConicWeight(), 2);
                    for (var i = 0; i + 2 < quads.Length; i += 2)
                    {
                        Quad(verbs, points, quads[i], quads[i + 1], quads[i + 2]);
                    }

                    break;
                case SKPathVerb.Cubic:
                    verbs.Add('c');
                    Add(points, p[1]);
                    Add(points, p[2]);
                    Add(points, p[3]);
                    break;
                case SKPathVerb.Close:
                    verbs.Add('h');
                    break;
            }
        }

        count += points.Count / 2;
        return new SvgOutline([.. verbs], [.. points]);
    }

    private static SvgOutline Rectangle(Shim.SKRect r, Shim.SKMatrix m)
    {
        var points = new float[8];
        var corners = (ReadOnlySpan<(float X, float Y)>)
            [(r.Left, r.Top), (r.Right, r.Top), (r.Right, r.Bottom), (r.Left, r.Bottom)];
        for (var i = 0; i < 4; i++)
        {
            var (x, y) = corners[i];
            var w = m.Persp0 * x + m.Persp1 * y + m.Persp2;
            w = w == 0 ? 1 : w;
            points[2 * i] = (m.ScaleX * x + m.SkewX * y + m.TransX) / w;
            points[2 * i + 1] = (m.SkewY * x + m.ScaleY * y + m.TransY) / w;
        }

        return new SvgOutline(['m', 'l', 'l', 'l', 'h'], points);
    }

    // A quadratic curve as the cubic that draws it.
    private static void Quad(List<char> verbs, List<float> points, SKPoint start, SKPoint control, SKPoint end)
    {
        verbs.Add('c');
        Add(points, start + new SKPoint((control.X - start.X) * 2 / 3, (control.Y - start.Y) * 2 / 3));
        Add(points, end + new SKPoint((control.X - end.X) * 2 / 3, (control.Y - end.Y) * 2 / 3));
        Add(points, end);
    }

    private static void Add(List<float> points, SKPoint point)
    {
        points.Add(point.X);
        points.Add(point.Y);
    }
}

internal enum SvgStepKind
{
    Save,
    Restore,
    Clip,
    Fill,
    FillEvenOdd,
    Stroke,
}

// One step of an SvgVector: save or restore the graphics state, clip to an outline, or fill or stroke one.
internal sealed record SvgStep(SvgStepKind Kind, SvgOutline? Outline = null, Color Color = default, byte Alpha = 255)
{
    public static readonly SvgStep Save = new(SvgStepKind.Save);

    public static readonly SvgStep Restore = new(SvgStepKind.Restore);

    public float Width { get; init; }

    // Skia's numbering, which is PDF's: butt, round, square caps; miter, round, bevel joins.
    public int Cap { get; init; }

    public int Join { get; init; }

    public float Miter { get; init; } = 4;
}

// Verbs ('m', 'l', 'c', 'h') and the points they take: one for a move or line, three for a curve, none to close.
internal sealed record SvgOutline(char[] Verbs, float[] Points);
