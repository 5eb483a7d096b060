using Communique.Documents.Drawing;
using Communique.Documents.Pdf;
using Communique.Documents.Text;
using SkiaSharp;

namespace Communique.Documents.Raster;

// Draws a laid-out page into a bitmap (the preview of a page), with the same fonts and images as the PDF.
public static class PageRasterizer
{
    private const int MaxPixels = 100_000_000;

    private static readonly BoundedCache<FontFace, SKTypeface> s_typefaces = new(1L << 30);
    private static readonly BoundedCache<string, SKImage> s_images = new(256L << 20);

    // PNG bytes at the given resolution (dots per inch), on a white background.
    public static byte[] Png(Page page, float dpi)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dpi);
        var scale = dpi / 72;
        // Part of a pixel is a whole pixel, as PDF rasterisers count it, so that the whole page shows.
        var width = Math.Max(1, (int)Math.Ceiling(page.Width * scale - 0.01));
        var height = Math.Max(1, (int)Math.Ceiling(page.Height * scale - 0.01));
        if ((long)width * height > MaxPixels)
        {
            throw new DocumentException($"A page at {dpi} dpi would be {width}x{height} pixels; previews are at most "
                + "100 megapixels.");
        }

        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("Skia could not make a drawing surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        canvas.Scale(scale);
        using var paint = new SKPaint { IsAntialias = true };
        foreach (var op in page.Ops)
        {
            switch (op)
            {
                case TextOp text:
                    Text(canvas, paint, text);
                    break;
                case RectOp rect:
                    Rect(canvas, paint, rect);
                    break;
                case LineOp line:
                    paint.Style = SKPaintStyle.Stroke;
                    paint.StrokeWidth = line.Width;
                    paint.Color = Sk(line.Color);
                    canvas.DrawLine(line.X1, line.Y1, line.X2, line.Y2, paint);
                    break;
                case ImageOp image:
                    Image(canvas, image);
                    break;
            }
        }

        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static void Text(SKCanvas canvas, SKPaint paint, TextOp op)
    {
        var run = op.Run;
        if (run.Glyphs.Length == 0)
        {
            return;
        }

        var typeface = s_typefaces.GetOrAdd(run.Face, Typeface, _ => run.Face.Data.Length);
        // Unhinted, at subpixel positions: the PDF's fonts carry no hinting and its glyphs are placed exactly.
        using var font = new SKFont(typeface, run.Size)
        {
            Subpixel = true,
            Edging = SKFontEdging.Antialias,
            Hinting = SKFontHinting.None,
        };
        using var builder = new SKTextBlobBuilder();
        var buffer = builder.AllocatePositionedRun(font, run.Glyphs.Length);
        var glyphs = buffer.Glyphs;
        var positions = buffer.Positions;
        var pen = 0f;
        for (var i = 0; i < run.Glyphs.Length; i++)
        {
            glyphs[i] = run.Glyphs[i];
            positions[i] = new SKPoint(pen + run.XOffsets[i], -run.YOffsets[i]);
            pen += run.Advances[i];
        }

        using var blob = builder.Build();
        if (blob is null)
        {
            return;
        }

        paint.Style = SKPaintStyle.Fill;
        paint.Color = Sk(op.Color).WithAlpha((byte)Math.Round(Math.Clamp(op.Opacity, 0, 1) * 255));
        canvas.Save();
        canvas.Translate(op.X, op.Baseline);

        // Anticlockwise on the page is a negative angle in Skia, whose y grows downwards.
        canvas.RotateDegrees(-op.Rotation);
        canvas.DrawText(blob, 0, 0, paint);
        canvas.Restore();
    }

    private static void Rect(SKCanvas canvas, SKPaint paint, RectOp op)
    {
        var rect = SKRect.Create(op.X, op.Y, op.Width, op.Height);
        if (op.Fill is { } fill)
        {
            paint.Style = SKPaintStyle.Fill;
            paint.Color = Sk(fill);
            canvas.DrawRect(rect, paint);
        }

        if (op.Stroke is { } stroke && op.StrokeWidth > 0)
        {
            paint.Style = SKPaintStyle.Stroke;
            paint.StrokeWidth = op.StrokeWidth;
            paint.Color = Sk(stroke);
            canvas.DrawRect(rect, paint);
        }
    }

    private static void Image(SKCanvas canvas, ImageOp op)
    {
        var destination = SKRect.Create(op.X, op.Y, op.Width, op.Height);
        var source = op.Image;
        if (source.Picture is { } picture)
        {
            canvas.Save();
            canvas.Translate(op.X, op.Y);
            canvas.Scale(op.Width / picture.CullRect.Width, op.Height / picture.CullRect.Height);
            canvas.DrawPicture(picture);
            canvas.Restore();
            return;
        }

        var image = s_images.GetOrAdd(source.Key, _ => Decode(source), i => (long)i.Width * i.Height * 4);
        using var paint = new SKPaint { IsAntialias = true };
        canvas.DrawImage(image, destination, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), paint);
    }

    private static SKImage Decode(ImageSource source)
    {
        using var data = SKData.CreateCopy(source.Data);
        return SKImage.FromEncodedData(data)?.ToRasterImage(ensurePixelData: true)
            ?? throw new DocumentException("The image could not be decoded.");
    }

    private static SKTypeface Typeface(FontFace face)
    {
        using var data = SKData.CreateCopy(face.Data);
        return SKTypeface.FromData(data, face.Index)
            ?? throw new DocumentException($"The font {face.PostScriptName} could not be loaded for drawing.");
    }

    private static SKColor Sk(Color color) => new(color.R, color.G, color.B);
}
