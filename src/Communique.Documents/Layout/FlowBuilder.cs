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

    public List<Slab> Build(IReadOnlyList<Block> blocks, float width, int pageNumber = 0, int pageCount = 0)
    {
        var slabs = new List<Slab>();
        foreach (var block in blocks)
        {
            Add(block, width, 0, null, slabs, pageNumber, pageCount);
        }

        return slabs;
    }

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

    private void Add(
        Block block, float width, float indent, Frame[]? frames, List<Slab> into, int pageNumber, int pageCount)
    {
        var style = block.Style;
        var start = into.Count;
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

            into.Add(Padding(block, border + style.Padding.Top, indent, innerFrames));
        }

        switch (block)
        {
            case ParagraphBlock paragraph:
                AddParagraph(paragraph, innerWidth, innerIndent, innerFrames, into, pageNumber, pageCount);
                break;
            case ListBlock list:
                AddList(list, innerWidth, innerIndent, innerFrames, into, pageNumber, pageCount);
                break;
            case TableBlock table:
                new TableLayout(this, table).Add(innerWidth, innerIndent, innerFrames, into);
                break;
            case GroupBlock group:
                foreach (var child in group.Content)
                {
                    Add(child, innerWidth, innerIndent, innerFrames, into, pageNumber, pageCount);
                }

                break;
            case ImageBlock image:
                into.Add(ImageSlab(image, innerWidth, innerIndent, innerFrames));
                break;
            case BarcodeBlock barcode:
                into.Add(BarcodeDrawing.Slab(this, barcode, innerWidth, innerIndent, innerFrames));
                break;
            case SpacerBlock spacer:
                into.Add(Empty(block, spacer.Height, innerIndent, innerFrames));
                break;
            case PageBreakBlock:
                into.Add(Empty(block, 0, innerIndent, innerFrames));
                into[^1].BreakBefore = true;
                break;
            case BoxBlock:
                throw new DocumentException(
                    $"{Capitalized(Located.Describe(block, "box"))} is placed on the page; it cannot be in the flow.");
        }

        if (framed)
        {
            if (into.Count > start + 1)
            {
                into[^1].KeepWithNext = true;
            }

            into.Add(Padding(block, border + style.Padding.Bottom, indent, innerFrames));
        }

        if (into.Count == start)
        {
            into.Add(Empty(block, 0, indent, frames));
        }

        var first = into[start];
        first.SpaceBefore = Math.Max(first.SpaceBefore, style.SpaceBefore);
        first.BreakBefore |= style.PageBreakBefore;
        var last = into[^1];
        last.SpaceAfter = Math.Max(last.SpaceAfter, style.SpaceAfter);
        last.KeepWithNext |= style.KeepWithNext;
        if (style.KeepTogether)
        {
            var height = SlabStack.Height(into[start..]);
            if (height > Context.BodyHeight)
            {
                throw new DocumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{Capitalized(Located.Describe(block, "block"))} is kept together but is {height:0.#}pt tall, " +
                    $"more than a page's body ({Context.BodyHeight:0.#}pt)."));
            }

            first.Keep = new KeepGroup(first, height);
        }
    }

    private void AddParagraph(
        ParagraphBlock paragraph, float width, float indent, Frame[]? frames, List<Slab> into, int pageNumber,
        int pageCount)
    {
        var layout = Paragraph(paragraph, width, pageNumber, pageCount);
        var lines = layout.Lines.Count;
        var source = Located.Describe(paragraph, "paragraph");
        for (var i = 0; i < lines; i++)
        {
            var keep = lines < SplitLines ? i < lines - 1 : i == 0 || i == lines - 2;
            into.Add(new LineSlab(layout, i)
            {
                Source = source, Indent = indent, Frames = frames, KeepWithNext = keep,
            });
        }
    }

    private void AddList(
        ListBlock list, float width, float indent, Frame[]? frames, List<Slab> into, int pageNumber, int pageCount)
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
            var start = into.Count;
            foreach (var block in item)
            {
                Add(block, itemWidth, indent + list.Indent, frames, into, pageNumber, pageCount);
            }

            if (into.Count == start)
            {
                into.Add(Empty(list, 0, indent + list.Indent, frames));
            }

            var text = list.Ordered ? number.ToString(CultureInfo.InvariantCulture) + "." : list.Bullet;
            var gap = Math.Min(6, list.Indent / 4);
            var marker = ParagraphLayout.Create(
                [new StyledText(text, list.MarkerStyle)], markerFormat, Context.Fonts, list.Indent - gap);
            into[start] = new MarkedSlab(into[start], marker, -list.Indent) { Source = into[start].Source };
            number++;
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
