using Communique.Documents.Drawing;
using Communique.Documents.Pdf;
using Communique.Documents.Text;
using SkiaSharp;

namespace Communique.Documents.Tests;

// Pages built by hand for the PDF and raster tests: text shaped with HarfBuzz directly (the paragraph layout is
// not needed to test the writers), bundled fonts, and images made with Skia.
internal static class PdfSamples
{
    public static readonly DateTimeOffset Created = new(2026, 12, 6, 9, 30, 0, TimeSpan.FromHours(1));

    private static readonly Dictionary<string, FontFace> s_faces = [];

    public static FontFace Face(string file)
    {
        lock (s_faces)
        {
            if (!s_faces.TryGetValue(file, out var face))
            {
                using var stream = typeof(FontFace).Assembly.GetManifestResourceStream("Fonts." + file)!;
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                face = FontFace.Load(buffer.ToArray());
                s_faces.Add(file, face);
            }

            return face;
        }
    }

    public static GlyphRun Shape(string text, FontFace face, float size, float letterSpacing = 0)
    {
        using var buffer = new HarfBuzzSharp.Buffer();
        buffer.AddUtf16(text);
        buffer.GuessSegmentProperties();
        face.Font.Shape(buffer);
        face.Font.GetScale(out var scale, out _);
        var unit = size / scale;
        var infos = buffer.GlyphInfos;
        var positions = buffer.GlyphPositions;
        var count = infos.Length;
        var glyphs = new ushort[count];
        var advances = new float[count];
        var xOffsets = new float[count];
        var yOffsets = new float[count];
        var clusters = new int[count];
        for (var i = 0; i < count; i++)
        {
            glyphs[i] = (ushort)infos[i].Codepoint;
            clusters[i] = (int)infos[i].Cluster;
            advances[i] = positions[i].XAdvance * unit + letterSpacing;
            xOffsets[i] = positions[i].XOffset * unit;
            yOffsets[i] = positions[i].YOffset * unit;
        }

        var rightToLeft = buffer.Direction == HarfBuzzSharp.Direction.RightToLeft;
        return new GlyphRun(face, size, glyphs, advances, xOffsets, yOffsets, text, clusters, rightToLeft);
    }

    public static TextOp Text(float x, float baseline, string text, string font = "LiberationSans-Regular.ttf",
        float size = 11, Color? color = null) =>
        new(x, baseline, Shape(text, Face(font), size), color ?? Color.Black);

    public static byte[] Write(PdfSettings settings, params Page[] pages)
    {
        using var output = new MemoryStream();
        using (var writer = new PdfWriter(output, settings))
        {
            foreach (var page in pages)
            {
                writer.AddPage(page);
            }

            writer.Finish();
        }

        return output.ToArray();
    }

    public static PdfSettings Settings(bool archival = false) => new()
    {
        Title = "Letter to Ms Øster",
        Author = "Communique tests",
        Subject = "A test letter",
        Keywords = "test, pdf",
        Created = Created,
        Archival = archival,
    };

    // A letter-like page: an address block, paragraphs in a serif body font, a bold sans heading, rules and a box.
    public static Page Letter(int paragraphs = 3)
    {
        var page = new Page(595.28f, 841.89f);
        page.Ops.Add(new RectOp(56, 40, 483, 30, new Color(230, 240, 250), new Color(30, 60, 90), 1));
        page.Ops.Add(Text(64, 60, "Communique Insurance Ltd", "LiberationSans-Bold.ttf", 14, new Color(30, 60, 90)));
        string[] address = ["Ms Anna Øster", "12 Harbour Road", "Kingston upon Thames", "KT1 1AA"];
        for (var i = 0; i < address.Length; i++)
        {
            page.Ops.Add(Text(64, 140 + i * 14, address[i], "LiberationSans-Regular.ttf", 11));
        }

        const string Body = "We are writing to confirm the renewal of your policy for the coming year. The premium "
            + "stays as it was, and the cover now includes accidental damage to glass.";
        var y = 240f;
        for (var p = 0; p < paragraphs; p++)
        {
            foreach (var line in Lines(Body + " " + Body, 88))
            {
                page.Ops.Add(Text(64, y, line, "LiberationSerif-Regular.ttf", 11));
                y += 14;
            }

            y += 10;
        }

        page.Ops.Add(new LineOp(56, y, 539, y, new Color(120, 120, 120), 0.5f));
        return page;
    }

    public static byte[] PngWithAlpha(int width = 40, int height = 30)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 6), 80, (byte)(y * 8), (byte)(x < width / 2 ? 255 : 96)));
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static byte[] Jpeg(int width = 64, int height = 48, bool grey = false)
    {
        var info = grey
            ? new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque)
            : new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(200, 60, 40));
            using var paint = new SKPaint { Color = new SKColor(20, 120, 200) };
            canvas.DrawCircle(width / 2f, height / 2f, height / 3f, paint);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    private static IEnumerable<string> Lines(string text, int width)
    {
        var line = "";
        foreach (var word in text.Split(' '))
        {
            if (line.Length + word.Length + 1 > width)
            {
                yield return line;
                line = word;
            }
            else
            {
                line = line.Length == 0 ? word : line + " " + word;
            }
        }

        if (line.Length > 0)
        {
            yield return line;
        }
    }
}
