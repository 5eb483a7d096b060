using Communique.Documents.Drawing;

namespace Communique.Documents.Pdf;

// One page's content stream and the resources it names, made from the page's drawing operations. Pages are drawn
// top-down in points; PDF's user space grows upwards, so every y is turned over against the page height.
internal sealed class PdfContent(PdfWriter writer) : IDisposable
{
    private readonly List<PdfFont> _fonts = [];
    private readonly List<(string Name, int Number)> _images = [];
    private readonly List<int> _opacities = [];
    private readonly List<LinkOp> _links = [];
    private float _height;
    private Color? _fill;
    private Color? _stroke;
    private float _lineWidth;

    public PdfBuffer Buffer { get; } = new(16 * 1024);

    public IReadOnlyList<LinkOp> Links => _links;

    public void Draw(Page page)
    {
        Buffer.Clear();
        _fonts.Clear();
        _images.Clear();
        _opacities.Clear();
        _links.Clear();
        _height = page.Height;
        _fill = Color.Black;
        _stroke = Color.Black;
        _lineWidth = 1;
        foreach (var op in page.Ops)
        {
            switch (op)
            {
                case TextOp text:
                    Text(text);
                    break;
                case RectOp rect:
                    Rect(rect);
                    break;
                case LineOp line:
                    Line(line);
                    break;
                case ImageOp image:
                    Image(image);
                    break;
                case LinkOp link:
                    _links.Add(link);
                    break;
                default:
                    throw new ArgumentException($"The PDF writer cannot draw {op.GetType().Name}.", nameof(page));
            }
        }
    }

    public void Dispose() => Buffer.Dispose();

    // What the content drawn last uses and links to, kept for a page whose other part comes later.
    public PdfPagePart Part(int contents) => new(contents, [.. _fonts], [.. _images], [.. _opacities], [.. _links]);

    // Adds an earlier part's resources and links to those of the content drawn last, each once.
    public void Include(PdfPagePart part)
    {
        foreach (var font in part.Fonts)
        {
            if (!_fonts.Contains(font))
            {
                _fonts.Add(font);
            }
        }

        foreach (var image in part.Images)
        {
            if (!_images.Contains(image))
            {
                _images.Add(image);
            }
        }

        foreach (var opacity in part.Opacities)
        {
            if (!_opacities.Contains(opacity))
            {
                _opacities.Add(opacity);
            }
        }

        _links.InsertRange(0, part.Links);
    }

    public void WriteResources(PdfBuffer buffer)
    {
        buffer.Ascii("<<");
        if (_fonts.Count > 0)
        {
            buffer.Ascii("/Font<<");
            foreach (var font in _fonts)
            {
                buffer.Byte((byte)'/').Ascii(font.Name).Space().Ref(font.Number);
            }

            buffer.Ascii(">>");
        }

        if (_images.Count > 0)
        {
            buffer.Ascii("/XObject<<");
            foreach (var (name, number) in _images)
            {
                buffer.Byte((byte)'/').Ascii(name).Space().Ref(number);
            }

            buffer.Ascii(">>");
        }

        if (_opacities.Count > 0)
        {
            buffer.Ascii("/ExtGState<<");
            foreach (var opacity in _opacities)
            {
                var value = opacity / 1000.0;
                buffer.Ascii("/G").Int(opacity).Ascii("<</ca ").Num(value).Ascii("/CA ").Num(value).Ascii(">>");
            }

            buffer.Ascii(">>");
        }

        buffer.Ascii(">>");
    }

    private void Text(TextOp op)
    {
        var run = op.Run;
        if (run.Glyphs.Length == 0 || !(run.Size > 0) || !float.IsFinite(run.Size))
        {
            return;
        }

        var font = writer.Font(run.Face);
        font.Use(run);
        if (!_fonts.Contains(font))
        {
            _fonts.Add(font);
        }

        var size = run.Size;
        var y = _height - op.Baseline;
        var isolated = op.Rotation != 0 || op.Opacity < 1;
        var saved = (_fill, _stroke, _lineWidth);
        if (isolated)
        {
            Buffer.Ascii("q\n");
            Opacity(op.Opacity);
        }

        Fill(op.Color);
        if (op.Rotation != 0)
        {
            var radians = op.Rotation * Math.PI / 180;
            var (sin, cos) = Math.SinCos(radians);
            Buffer.Num(cos).Space().Num(sin).Space().Num(-sin).Space().Num(cos).Space().Num(op.X).Space().Num(y)
                .Ascii(" cm\n");
        }

        Buffer.Ascii("BT /").Ascii(font.Name).Space().Num(size).Ascii(" Tf ");
        if (op.Rotation == 0)
        {
            Buffer.Num(op.X).Space().Num(y).Ascii(" Td\n");
        }

        Glyphs(run, font.Metrics.Widths);
        Buffer.Ascii("ET\n");
        if (isolated)
        {
            Buffer.Ascii("Q\n");
            (_fill, _stroke, _lineWidth) = saved;
        }
    }

    // The glyphs in one TJ array: where the pen the PDF moves by the font's widths differs from where the run puts
    // the next glyph (kerning, letter spacing, justification, a mark's offset), a number moves it in thousandths of
    // the em; a vertical offset (a mark above or below) is a text rise, which cannot change inside an array.
    private void Glyphs(GlyphRun run, float[] widths)
    {
        var scale = 1000.0 / run.Size;
        var glyphs = run.Glyphs;
        var pdfX = 0.0;
        var pen = 0.0;
        var rise = 0f;
        var inString = false;
        Buffer.Byte((byte)'[');
        for (var i = 0; i < glyphs.Length; i++)
        {
            var yOffset = run.YOffsets[i];
            if (yOffset != rise)
            {
                Buffer.Ascii(inString ? ">] TJ " : "] TJ ").Num(yOffset).Ascii(" Ts [");
                inString = false;
                rise = yOffset;
            }

            var target = (pen + run.XOffsets[i]) * scale;
            var move = Math.Round(target - pdfX, 1);
            if (move != 0)
            {
                Buffer.Ascii(inString ? ">" : "").Num(-move);
                inString = false;
                pdfX += move;
            }

            if (!inString)
            {
                Buffer.Byte((byte)'<');
                inString = true;
            }

            Buffer.Hex4(glyphs[i]);
            var glyph = glyphs[i];
            pdfX += glyph < widths.Length ? widths[glyph] : 0;
            pen += run.Advances[i];
        }

        Buffer.Ascii(inString ? ">] TJ\n" : "] TJ\n");
        if (rise != 0)
        {
            Buffer.Ascii("0 Ts\n");
        }
    }

    private void Rect(RectOp op)
    {
        if (op.Fill is null && (op.Stroke is null || op.StrokeWidth <= 0))
        {
            return;
        }

        if (op.Fill is { } fill)
        {
            Fill(fill);
        }

        var stroked = op.Stroke is not null && op.StrokeWidth > 0;
        if (stroked)
        {
            Stroke(op.Stroke!.Value, op.StrokeWidth);
        }

        Buffer.Num(op.X).Space().Num(_height - op.Y - op.Height).Space().Num(op.Width).Space().Num(op.Height)
            .Ascii(op.Fill is null ? " re S\n" : stroked ? " re B\n" : " re f\n");
    }

    private void Line(LineOp op)
    {
        if (op.Width <= 0)
        {
            return;
        }

        Stroke(op.Color, op.Width);
        Buffer.Num(op.X1).Space().Num(_height - op.Y1).Ascii(" m ").Num(op.X2).Space().Num(_height - op.Y2)
            .Ascii(" l S\n");
    }

    private void Image(ImageOp op)
    {
        if (op.Width <= 0 || op.Height <= 0)
        {
            return;
        }

        var image = writer.Image(op.Image, op.Width, op.Height);
        if (!_images.Contains(image))
        {
            _images.Add(image);
        }

        Buffer.Ascii("q ").Num(op.Width).Ascii(" 0 0 ").Num(op.Height).Space().Num(op.X).Space()
            .Num(_height - op.Y - op.Height).Ascii(" cm /").Ascii(image.Name).Ascii(" Do Q\n");
    }

    private void Opacity(float opacity)
    {
        var thousandths = (int)Math.Round(Math.Clamp(opacity, 0, 1) * 1000);
        if (!_opacities.Contains(thousandths))
        {
            _opacities.Add(thousandths);
        }

        Buffer.Ascii("/G").Int(thousandths).Ascii(" gs\n");
    }

    private void Fill(Color color)
    {
        if (_fill != color)
        {
            Rgb(color).Ascii(" rg\n");
            _fill = color;
        }
    }

    private void Stroke(Color color, float width)
    {
        if (_stroke != color)
        {
            Rgb(color).Ascii(" RG\n");
            _stroke = color;
        }

        if (_lineWidth != width)
        {
            Buffer.Num(width).Ascii(" w\n");
            _lineWidth = width;
        }
    }

    private PdfBuffer Rgb(Color color) =>
        Buffer.Num(color.R / 255.0).Space().Num(color.G / 255.0).Space().Num(color.B / 255.0);
}
