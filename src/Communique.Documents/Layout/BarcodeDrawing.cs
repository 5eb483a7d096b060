using Communique.Documents.Drawing;
using Communique.Documents.Model;
using Communique.Documents.Text;
using ZXing;
using ZXing.Common;
using ZXing.Datamatrix.Encoder;
using ZXing.QrCode.Internal;

namespace Communique.Documents.Layout;

// Barcodes as vector rectangles: ZXing encodes the symbol into modules, each dark run of a row is one rectangle,
// with the quiet zone each symbology needs around it (inside the width and height asked).
internal static class BarcodeDrawing
{
    public static DrawnSlab Slab(FlowBuilder flow, BarcodeBlock block, float width, float indent, Frame[]? frames)
    {
        var matrix = Encode(block);
        var linear = block.Kind == BarcodeKind.Code128;
        var quiet = block.Kind switch { BarcodeKind.Qr => 4, BarcodeKind.DataMatrix => 1, _ => 10 };
        var w = Math.Min(block.Width, width);
        var h = block.Height;
        ParagraphLayout? caption = null;
        if (linear && block.HumanReadable)
        {
            var style = TextStyle.Default with { FontSize = Math.Clamp(h / 6, 6, 12), Color = block.Color };
            var format = new ParagraphFormat(TextAlign.Center, TextDirection.LeftToRight, 1.1f, 0, "en");
            caption = ParagraphLayout.Create([new StyledText(block.Value, style)], format, flow.Context.Fonts, w);
        }

        float module, symbolWidth, barHeight;
        if (linear)
        {
            module = w / (matrix.Width + 2 * quiet);
            symbolWidth = w;
            barHeight = h - (caption?.Height ?? 0);
        }
        else
        {
            module = Math.Min(w / (matrix.Width + 2 * quiet), h / (matrix.Height + 2 * quiet));
            symbolWidth = module * (matrix.Width + 2 * quiet);
            h = module * (matrix.Height + 2 * quiet);
            barHeight = module;
        }

        if (module <= 0 || barHeight <= 0)
        {
            throw new DocumentException($"{FlowBuilder.Capitalized(Located.Describe(block, "barcode"))} is too small.");
        }

        var left = FlowBuilder.Aligned(block.Align, width, symbolWidth);
        return new DrawnSlab(h, (ops, x, y) =>
        {
            var originX = x + left + quiet * module;
            var originY = linear ? y : y + quiet * module;
            for (var row = 0; row < matrix.Height; row++)
            {
                var column = 0;
                while (column < matrix.Width)
                {
                    if (!matrix[column, row])
                    {
                        column++;
                        continue;
                    }

                    var start = column;
                    while (column < matrix.Width && matrix[column, row])
                    {
                        column++;
                    }

                    ops.Add(new RectOp(originX + start * module, originY + row * barHeight, (column - start) * module,
                        barHeight, block.Color));
                }
            }

            caption?.Draw(ops, x + left, y + barHeight, 0, caption.Lines.Count);
        })
        {
            Source = Located.Describe(block, "barcode"), Indent = indent, Frames = frames,
        };
    }

    // A square symbol (QR or Data Matrix) of `size` points, quiet zone included, with its top-left corner at (x, y).
    public static void Symbol(List<DrawOp> ops, BarcodeKind kind, string value, float x, float y, float size)
    {
        var block = new BarcodeBlock { Kind = kind, Value = value, Width = size, Height = size };
        var matrix = Encode(block);
        var quiet = kind == BarcodeKind.Qr ? 4 : 1;
        var module = size / (Math.Max(matrix.Width, matrix.Height) + 2 * quiet);
        for (var row = 0; row < matrix.Height; row++)
        {
            for (var column = 0; column < matrix.Width; column++)
            {
                if (matrix[column, row])
                {
                    ops.Add(new RectOp(
                        x + (quiet + column) * module, y + (quiet + row) * module, module, module, Color.Black));
                }
            }
        }
    }

    private static BitMatrix Encode(BarcodeBlock block)
    {
        var hints = new Dictionary<EncodeHintType, object> { [EncodeHintType.MARGIN] = 0 };
        var format = block.Kind switch
        {
            BarcodeKind.Qr => BarcodeFormat.QR_CODE,
            BarcodeKind.DataMatrix => BarcodeFormat.DATA_MATRIX,
            _ => BarcodeFormat.CODE_128,
        };
        if (block.Kind == BarcodeKind.Qr)
        {
            hints[EncodeHintType.ERROR_CORRECTION] = ErrorCorrectionLevel.M;
            hints[EncodeHintType.CHARACTER_SET] = "UTF-8";
        }
        else if (block.Kind == BarcodeKind.DataMatrix)
        {
            hints[EncodeHintType.DATA_MATRIX_SHAPE] = SymbolShapeHint.FORCE_SQUARE;
        }

        if (string.IsNullOrEmpty(block.Value))
        {
            throw new DocumentException($"{FlowBuilder.Capitalized(Located.Describe(block, "barcode"))} has no value.");
        }

        try
        {
            // At its smallest: one pixel a module, and a linear symbol one row tall (drawn at the barcode's height).
            return new MultiFormatWriter().encode(block.Value, format, 0, 0, hints);
        }
        catch (Exception e) when (e is ArgumentException or WriterException or InvalidOperationException)
        {
            throw new DocumentException(
                $"{FlowBuilder.Capitalized(Located.Describe(block, "barcode"))} cannot encode its value: {e.Message}");
        }
    }
}
