using System.Globalization;
using Communique.Documents.Drawing;
using Communique.Documents.Model;
using Communique.Documents.Text;

namespace Communique.Documents.Layout;

// Turns blocks into slabs for a width: paragraphs into their lines, tables into rows, images and barcodes into one
// slab each; a block's own style (space, frame, keeps, page break) is put on its first and last slabs.
internal sealed class FlowBuilder(LayoutContext context)
{
    // A paragraph of fewer lines than this is never split; a longer one leaves at least two lines on each page.
    private const int SplitLines = 4;

    public LayoutContext Context { get; } = context;

    // Every slab of the blocks, in order, made as they are asked for: a long document's pages can be laid out and
    // written one at a time, whatever its length.
    public IEnumerable<Slab> Stream(IReadOnlyList<Block> blocks, float width, int pageNumber = 0, int pageCount = 0)
    {
        foreach (var block in blocks)
        {
            foreach (var slab in Slabs(block, width, 0, null, pageNumber, pageCount))
            {
                yield return slab;
            }
        }
    }

    public List<Slab> Build(IReadOnlyList<Block> blocks, float width, int pageNumber = 0, int pageCount = 0) =>
        [.. Stream(blocks, width, pageNumber, pageCount)];

    public ParagraphLayout Paragraph(ParagraphBlock paragraph, float width, int pageNumber = 0, int pageCount = 0)
    {
        var content = new List<StyledText>(paragraph.Content.Count);
        TextStyle? last = null;
        foreach (var inline in paragraph.Content)
        {
            switch (inline)
            {
                case TextInline text:
                    content.Add(new StyledText(text.Text, text.Style));
                    last = text.Style;
                    break;
                case PageNumberInline number:
                    var value = number.Total ? pageCount : pageNumber;
                    content.Add(new StyledText(value.ToString(CultureInfo.InvariantCulture), number.Style));
                    last = number.Style;
                    break;
                case LineBreakInline:
                    content.Add(new StyledText("\n", last ?? TextStyle.Default));
                    break;
            }
        }

        var format = new ParagraphFormat(
            paragraph.Align, paragraph.Direction, paragraph.LineHeight, paragraph.FirstLineIndent, Context.Language);
        return ParagraphLayout.Create(content, format, Context.Fonts, width);
    }

    private IEnumerable<Slab> Slabs(
        Block block, float width, float indent, Frame[]? frames, int pageNumber, int pageCount)
    {
        var style = block.Style;
        var border = style.Border?.Width ?? 0;
        var framed = style.Border is not null || style.Background is not null || style.Padding != default;
        var (innerWidth, innerIndent, innerFrames) = (width, indent, frames);
        if (framed)
        {
            var frame = new Frame(indent, width, style.Border, style.Background);
            innerFrames = frames is null ? [frame] : [.. frames, frame];
            innerIndent += border + style.Padding.Left;
            innerWidth -= 2 * border + style.Padding.Horizontal;
            if (innerWidth <= 0)
            {
                throw new DocumentException($"{Capitalized(Located.Describe(block, "block"))} has no width left " +
                    "inside its padding and border.");
            }
        }

        var content = Content(block, innerWidth, innerIndent, innerFrames, pageNumber, pageCount);
        if (framed)
        {
            content = Framed(block, content, border, indent, innerFrames);
        }

        if (style.KeepTogether)
        {
            var kept = content.ToList();
            var height = SlabStack.Height(kept);
            if (height > Context.BodyHeight)
            {
                throw new DocumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{Capitalized(Located.Describe(block, "block"))} is kept together but is {height:0.#}pt tall, " +
                    $"more than a page's body ({Context.BodyHeight:0.#}pt)."));
            }

            if (kept.Count > 0)
            {
                kept[0].Keep = new KeepGroup(kept[0], height);
            }

            content = kept;
        }

        // The block's own space, page break and keep go on its first and last slabs, one slab behind the content.
        Slab? held = null;
        foreach (var slab in content)
        {
            if (held is null)
            {
                slab.SpaceBefore = Math.Max(slab.SpaceBefore, style.SpaceBefore);
                slab.BreakBefore |= style.PageBreakBefore;
            }
            else
            {
                yield return held;
            }

            held = slab;
        }

        if (held is null)
        {
            held = Empty(block, 0, indent, frames);
            held.SpaceBefore = style.SpaceBefore;
            held.BreakBefore = style.PageBreakBefore;
        }

        held.SpaceAfter = Math.Max(held.SpaceAfter, style.SpaceAfter);
        held.KeepWithNext |= style.KeepWithNext;
        yield return held;
    }

    // The padding and border above and below a framed block's content, kept with it.
    private static IEnumerable<Slab> Framed(
        Block block, IEnumerable<Slab> content, float border, float indent, Frame[]? frames)
    {
        yield return Padding(block, border + block.Style.Padding.Top, indent, frames);
        Slab? held = null;
        foreach (var slab in content)
        {
            if (held is not null)
            {
                yield return held;
            }

            held = slab;
        }

        if (held is not null)
        {
            held.KeepWithNext = true;
            yield return held;
        }

        var bottom = Padding(block, border + block.Style.Padding.Bottom, indent, frames);
        bottom.KeepWithNext = false;
        yield return bottom;
    }

    private IEnumerable<Slab> Content(
        Block block, float width, float indent, Frame[]? frames, int pageNumber, int pageCount)
    {
        switch (block)
        {
            case ParagraphBlock paragraph:
                return Lines(paragraph, width, indent, frames, pageNumber, pageCount);
            case ListBlock list:
                return Items(list, width, indent, frames, pageNumber, pageCount);
            case TableBlock table:
                return new TableLayout(this, table).Rows(width, indent, frames);
            case GroupBlock group:
                return group.Content.SelectMany(
                    child => Slabs(child, width, indent, frames, pageNumber, pageCount));
            case ImageBlock image:
                return [ImageSlab(image, width, indent, frames)];
            case BarcodeBlock barcode:
                return [BarcodeDrawing.Slab(this, barcode, width, indent, frames)];
            case SpacerBlock spacer:
                return [Empty(block, spacer.Height, indent, frames)];
            case PageBreakBlock:
                var page = Empty(block, 0, indent, frames);
                page.BreakBefore = true;
                return [page];
            case BoxBlock:
                throw new DocumentException(
                    $"{Capitalized(Located.Describe(block, "box"))} is placed on the page; it cannot be in the flow.");
            default:
                return [];
        }
    }

    private IEnumerable<Slab> Lines(
        ParagraphBlock paragraph, float width, float indent, Frame[]? frames, int pageNumber, int pageCount)
    {
        var layout = Paragraph(paragraph, width, pageNumber, pageCount);
        var lines = layout.Lines.Count;
        var source = Located.Describe(paragraph, "paragraph");
        for (var i = 0; i < lines; i++)
        {
            var keep = lines < SplitLines ? i < lines - 1 : i == 0 || i == lines - 2;
            yield return new LineSlab(layout, i)
            {
                Source = source, Indent = indent, Frames = frames, KeepWithNext = keep,
            };
        }
    }

    private IEnumerable<Slab> Items(
        ListBlock list, float width, float indent, Frame[]? frames, int pageNumber, int pageCount)
    {
        var itemWidth = width - list.Indent;
        if (itemWidth <= 0)
        {
            throw new DocumentException($"{Capitalized(Located.Describe(list, "list"))} is indented past its width.");
        }

        var number = list.Start;
        var markerFormat = new ParagraphFormat(TextAlign.Right, TextDirection.LeftToRight, 1.2f, 0, Context.Language);
        foreach (var item in list.Items)
        {
            var slabs = item.SelectMany(
                block => Slabs(block, itemWidth, indent + list.Indent, frames, pageNumber, pageCount)).ToList();
            if (slabs.Count == 0)
            {
                slabs.Add(Empty(list, 0, indent + list.Indent, frames));
            }

            var text = list.Ordered ? number.ToString(CultureInfo.InvariantCulture) + "." : list.Bullet;
            var gap = Math.Min(6, list.Indent / 4);
            var marker = ParagraphLayout.Create(
                [new StyledText(text, list.MarkerStyle)], markerFormat, Context.Fonts, list.Indent - gap);
            slabs[0] = new MarkedSlab(slabs[0], marker, -list.Indent) { Source = slabs[0].Source };
            number++;
            foreach (var slab in slabs)
            {
                yield return slab;
            }
        }
    }

    private DrawnSlab ImageSlab(ImageBlock block, float width, float indent, Frame[]? frames)
    {
        var image = Context.Image(block.Source);
        var ratio = image.PixelHeight / (float)image.PixelWidth;
        var (w, h) = (block.Width, block.Height) switch
        {
            ({ } bw, { } bh) => (bw, bh),
            ({ } bw, null) => (bw, bw * ratio),
            (null, { } bh) => (bh / ratio, bh),
            _ => (image.PixelWidth * 0.75f, image.PixelHeight * 0.75f),
        };
        if (w > width)
        {
            (w, h) = (width, h * width / w);
        }

        var left = Aligned(block.Align, width, w);
        return new DrawnSlab(h, (ops, x, y) => ops.Add(new ImageOp(x + left, y, w, h, image)))
        {
            Source = Located.Describe(block, "image"), Indent = indent, Frames = frames,
        };
    }

    public static float Aligned(TextAlign align, float width, float content) => align switch
    {
        TextAlign.Center => (width - content) / 2,
        TextAlign.Right or TextAlign.End => width - content,
        _ => 0,
    };

    public static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static DrawnSlab Padding(Block block, float height, float indent, Frame[]? frames) =>
        new(height, null)
        {
            Source = Located.Describe(block, "block"), Indent = indent, Frames = frames, KeepWithNext = true,
        };

    private static DrawnSlab Empty(Block block, float height, float indent, Frame[]? frames) =>
        new(height, null) { Source = Located.Describe(block, "block"), Indent = indent, Frames = frames };
}
