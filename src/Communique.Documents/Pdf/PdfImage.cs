using System.Globalization;
using Communique.Documents.Drawing;
using SkiaSharp;

namespace Communique.Documents.Pdf;

// An image XObject as it is written in every file that shows the image: the dictionary's entries and the stored
// bytes, with an optional soft mask (the alpha channel). An SVG image is a form XObject of its outlines when it has
// them, else drawn as pixels at 300 dpi for each placed size. Made once per image and cached, so a document only
// copies bytes.
internal sealed class PdfImage
{
    private const float SvgDpi = 300;
    private const int MaxSvgSide = 4000;

    private static readonly BoundedCache<string, PdfImage> s_cache = new(128L << 20);

    private PdfImage(byte[] entries, byte[] data, PdfImage? mask, bool isCmyk = false)
    {
        Entries = entries;
        Data = data;
        Mask = mask;
        IsCmyk = isCmyk;
    }

    // The dictionary's entries, without /Length and /SMask.
    public byte[] Entries { get; }

    public byte[] Data { get; }

    public PdfImage? Mask { get; }

    public bool IsCmyk { get; }

    public long Weight => Entries.Length + Data.Length + (Mask?.Weight ?? 0);

    // The image for a placement of width x height points (the size matters only to SVG, drawn at 300 dpi). In an
    // archival file a CMYK JPEG is decoded to RGB: PDF/A allows device CMYK only with a CMYK output intent.
    public static PdfImage For(ImageSource image, float width, float height, bool archival)
    {
        if (image.Format == ImageFormat.Jpeg)
        {
            var jpeg = s_cache.GetOrAdd(image.Key, _ => Jpeg(image), i => i.Weight);
            return archival && jpeg.IsCmyk
                ? s_cache.GetOrAdd(image.Key + ":rgb", _ => Pixels(Decode(image)), i => i.Weight)
                : jpeg;
        }

        if (image.Format != ImageFormat.Svg)
        {
            return s_cache.GetOrAdd(image.Key, _ => Pixels(Decode(image)), i => i.Weight);
        }

        if (image.Vector is { } vector)
        {
            return s_cache.GetOrAdd(image.Key + ":vector", _ => Form(vector), i => i.Weight);
        }

        var pixelWidth = Math.Clamp((int)Math.Ceiling(width / 72 * SvgDpi), 1, MaxSvgSide);
        var pixelHeight = Math.Clamp((int)Math.Ceiling(height / 72 * SvgDpi), 1, MaxSvgSide);
        return s_cache.GetOrAdd(
            string.Create(CultureInfo.InvariantCulture, $"{image.Key}:{pixelWidth}x{pixelHeight}"),
            _ => Pixels(SvgBitmap(image, pixelWidth, pixelHeight)),
            i => i.Weight);
    }

    // An SVG image's outlines as a form XObject, which page content places as it places an image: in the unit
    // square. The form maps the image's units (y down) onto that square; fills and strokes not fully opaque take
    // their alpha from graphics states in the form's own resources.
    private static PdfImage Form(SvgVector vector)
    {
        var alphas = new SortedSet<byte>();
        using var content = new PdfBuffer(1024);
        content.Ascii(string.Create(CultureInfo.InvariantCulture,
            $"{1 / vector.Width:0.#########} 0 0 {-1 / vector.Height:0.#########} 0 1 cm\n"));
        foreach (var step in vector.Steps)
        {
            switch (step.Kind)
            {
                case SvgStepKind.Save:
                    content.Ascii("q\n");
                    break;
                case SvgStepKind.Restore:
                    content.Ascii("Q\n");
                    break;
                case SvgStepKind.Clip:
                    Outline(content, step.Outline!).Ascii("W n\n");
                    break;
                default:
                    content.Ascii("q ");
                    if (step.Alpha < 255)
                    {
                        alphas.Add(step.Alpha);
                        content.Ascii("/A").Int(step.Alpha).Ascii(" gs ");
                    }

                    var stroke = step.Kind == SvgStepKind.Stroke;
                    content.Num(step.Color.R / 255.0).Space().Num(step.Color.G / 255.0).Space()
                        .Num(step.Color.B / 255.0).Ascii(stroke ? " RG " : " rg ");
                    if (stroke)
                    {
                        content.Num(step.Width).Ascii(" w ").Int(step.Cap).Ascii(" J ").Int(step.Join).Ascii(" j ")
                            .Num(Math.Max(step.Miter, 1)).Ascii(" M\n");
                    }

                    var paint = step.Kind switch
                    {
                        SvgStepKind.Stroke => "S",
                        SvgStepKind.FillEvenOdd => "f*",
                        _ => "f",
                    };
                    Outline(content, step.Outline!).Ascii(paint).Ascii(" Q\n");
                    break;
            }
        }

        using var entries = new PdfBuffer(200);
        entries.Ascii("/Type/XObject/Subtype/Form/BBox[0 0 1 1]");
        if (alphas.Count > 0)
        {
            entries.Ascii("/Resources<</ExtGState<<");
            foreach (var alpha in alphas)
            {
                entries.Ascii("/A").Int(alpha).Ascii("<</ca ").Num(alpha / 255.0).Ascii("/CA ").Num(alpha / 255.0)
                    .Ascii(">>");
            }

            entries.Ascii(">>>>");
        }

        entries.Ascii("/Filter/FlateDecode");
        return new PdfImage(entries.Span.ToArray(), PdfWriter.Compress(content.Span.ToArray(), optimal: true), null);
    }

    private static PdfBuffer Outline(PdfBuffer content, SvgOutline outline)
    {
        var p = 0;
        foreach (var verb in outline.Verbs)
        {
            var count = verb switch { 'c' => 3, 'h' => 0, _ => 1 };
            for (var i = 0; i < count; i++, p += 2)
            {
                content.Num(outline.Points[p]).Space().Num(outline.Points[p + 1]).Space();
            }

            content.Byte((byte)verb).Space();
        }

        return content;
    }

    // JPEG data is stored as it is (DCTDecode); only the header is read for the colour space. PDF readers decode
    // 8-bit samples only, so a rare 12-bit JPEG is decoded and stored as pixels.
    private static PdfImage Jpeg(ImageSource image)
    {
        var data = image.Data;
        var (width, height, components, precision, adobe) = JpegHeader.Read(data);
        if (precision != 8)
        {
            return Pixels(Decode(image));
        }

        using var entries = new PdfBuffer(160);
        entries.Ascii("/Type/XObject/Subtype/Image/Width ").Int(width).Ascii("/Height ")
            .Int(height).Ascii(components switch
            {
                1 => "/ColorSpace/DeviceGray",
                4 => "/ColorSpace/DeviceCMYK",
                _ => "/ColorSpace/DeviceRGB",
            })
            .Ascii("/BitsPerComponent 8/Filter/DCTDecode");

        // Adobe's CMYK JPEGs store the inks inverted.
        if (components == 4 && adobe)
        {
            entries.Ascii("/Decode[1 0 1 0 1 0 1 0]");
        }

        return new PdfImage(entries.Span.ToArray(), data, null, components == 4);
    }

    private static SKBitmap Decode(ImageSource image)
    {
        using var data = SKData.CreateCopy(image.Data);
        using var codec = SKCodec.Create(data)
            ?? throw new DocumentException("The image could not be decoded.");
        var bitmap = new SKBitmap(new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888,
            SKAlphaType.Unpremul));
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            bitmap.Dispose();
            throw new DocumentException($"The image could not be decoded ({result}).");
        }

        return bitmap;
    }

    private static SKBitmap SvgBitmap(ImageSource image, int width, int height)
    {
        var picture = image.Picture!;

        // Skia draws into premultiplied pixels; the PDF wants colour and alpha apart, so they are converted after.
        using var drawn = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(drawn))
        {
            canvas.Clear(SKColors.Transparent);
            var bounds = picture.CullRect;
            canvas.Scale(width / Math.Max(bounds.Width, 1e-3f), height / Math.Max(bounds.Height, 1e-3f));
            canvas.Translate(-bounds.Left, -bounds.Top);
            canvas.DrawPicture(picture);
        }

        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using var pixmap = drawn.PeekPixels();
        pixmap.ReadPixels(bitmap.Info, bitmap.GetPixels(), bitmap.RowBytes);
        return bitmap;
    }

    // Decoded pixels as a Flate-compressed image: grey when every pixel is grey, else RGB; the alpha channel as a
    // soft mask when any pixel is not opaque.
    private static PdfImage Pixels(SKBitmap bitmap)
    {
        using (bitmap)
        {
            var pixels = bitmap.GetPixelSpan();
            var count = bitmap.Width * bitmap.Height;
            var grey = true;
            var opaque = true;
            for (var i = 0; i < count && (grey || opaque); i++)
            {
                var p = pixels.Slice(i * 4, 4);
                grey &= p[0] == p[1] && p[1] == p[2];
                opaque &= p[3] == 255;
            }

            var channels = grey ? 1 : 3;
            var colour = new byte[count * channels];
            var alpha = opaque ? null : new byte[count];
            for (var i = 0; i < count; i++)
            {
                var p = pixels.Slice(i * 4, 4);
                if (grey)
                {
                    colour[i] = p[0];
                }
                else
                {
                    colour[i * 3] = p[0];
                    colour[i * 3 + 1] = p[1];
                    colour[i * 3 + 2] = p[2];
                }

                alpha?[i] = p[3];
            }

            var mask = alpha is null ? null : Flate(bitmap.Width, bitmap.Height, "/DeviceGray", alpha, null);
            return Flate(bitmap.Width, bitmap.Height, grey ? "/DeviceGray" : "/DeviceRGB", colour, mask);
        }
    }

    private static PdfImage Flate(int width, int height, string colourSpace, byte[] samples, PdfImage? mask)
    {
        var channels = colourSpace == "/DeviceGray" ? 1 : 3;
        using var entries = new PdfBuffer(200);
        entries.Ascii("/Type/XObject/Subtype/Image/Width ").Int(width).Ascii("/Height ")
            .Int(height).Ascii("/ColorSpace").Ascii(colourSpace).Ascii("/BitsPerComponent 8/Filter/FlateDecode")
            .Ascii("/DecodeParms<</Predictor 15/Colors ").Int(channels).Ascii("/BitsPerComponent 8/Columns ")
            .Int(width).Ascii(">>");
        var filtered = Predict(samples, width * channels, channels);
        return new PdfImage(entries.Span.ToArray(), PdfWriter.Compress(filtered, optimal: true), mask);
    }

    // PNG's row filters (PDF's predictor 15): each row is stored as the difference that is smallest for it (none,
    // from the left, from above, or Paeth's guess), which lets Flate compress gradients and photos far better.
    private static byte[] Predict(byte[] samples, int stride, int bytesPerPixel)
    {
        var rows = samples.Length / stride;
        var output = new byte[rows * (stride + 1)];
        var candidate = new byte[stride];
        for (var row = 0; row < rows; row++)
        {
            var current = samples.AsSpan(row * stride, stride);
            var above = row == 0 ? default : samples.AsSpan((row - 1) * stride, stride);
            var target = output.AsSpan(row * (stride + 1), stride + 1);
            var best = long.MaxValue;
            foreach (var filter in (ReadOnlySpan<byte>)[0, 1, 2, 4])
            {
                long cost = 0;
                for (var i = 0; i < stride; i++)
                {
                    int left = i >= bytesPerPixel ? current[i - bytesPerPixel] : 0;
                    int up = above.IsEmpty ? 0 : above[i];
                    int upLeft = i >= bytesPerPixel && !above.IsEmpty ? above[i - bytesPerPixel] : 0;
                    var value = (byte)(current[i] - filter switch
                    {
                        1 => left,
                        2 => up,
                        4 => Paeth(left, up, upLeft),
                        _ => 0,
                    });
                    candidate[i] = value;
                    cost += Math.Abs((int)(sbyte)value);
                }

                if (cost < best)
                {
                    best = cost;
                    target[0] = filter;
                    candidate.CopyTo(target[1..]);
                }
            }
        }

        return output;
    }

    private static int Paeth(int left, int up, int upLeft)
    {
        var estimate = left + up - upLeft;
        var toLeft = Math.Abs(estimate - left);
        var toUp = Math.Abs(estimate - up);
        var toUpLeft = Math.Abs(estimate - upLeft);
        return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    }
}
