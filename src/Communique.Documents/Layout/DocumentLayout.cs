using System.Globalization;
using Communique.Documents.Drawing;
using Communique.Documents.Model;
using Communique.Documents.Text;

namespace Communique.Documents.Layout;

// Lays a document out into pages: the body flows from page to page between the margins, the header and footer are
// drawn on each page with its number and the page count, boxes at their fixed places, the watermark under it all.
// One instance serves any number of documents, one at a time per thread or concurrently.
public sealed class DocumentLayout(FontLibrary fonts)
{
    // Documents of up to this many pages are laid out by Lay and keep their pages; longer ones are laid out as they
    // are written or drawn.
    private const int KeptPages = 32;

    // images: the image a markup name stands for (DocumentException when there is none).
    public LaidOutDocument Lay(DocumentSpec spec, Func<string, ImageSource> images)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(images);
        var page = spec.Page;
        var width = page.Width - page.Margins.Horizontal;
        var height = page.Height - page.Margins.Vertical;
        if (width <= 0 || height <= 0)
        {
            throw new DocumentException(string.Create(CultureInfo.InvariantCulture,
                $"The page's margins leave no room: {page.Width:0.#}x{page.Height:0.#}pt with margins " +
                $"{page.Margins.Top:0.#}, {page.Margins.Right:0.#}, {page.Margins.Bottom:0.#}, " +
                $"{page.Margins.Left:0.#}pt."));
        }

        var context = new LayoutContext(fonts, images, spec.Info.Language) { BodyHeight = height };
        var flow = new FlowBuilder(context);
        IEnumerable<List<(Slab Slab, float Top)>> Paginate() =>
            new Paginator(height).Paginate(flow.Stream(spec.Body, width));
        // A short document is laid out here once; a longer one is laid out when it is written or drawn.
        List<List<(Slab Slab, float Top)>>? body = [];
        foreach (var placed in Paginate())
        {
            if (body.Count == KeptPages)
            {
                body = null;
                break;
            }

            body.Add(placed);
        }
        var boxes = new List<(BoxBlock, List<Slab>)>(spec.Boxes.Count);
        foreach (var box in spec.Boxes)
        {
            var slabs = flow.Build(box.Content, box.Width);
            if (box.Height is { } limit && SlabStack.Height(slabs) > limit + 0.01f)
            {
                throw new DocumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{FlowBuilder.Capitalized(Located.Describe(box, "box"))} holds {SlabStack.Height(slabs):0.#}pt " +
                    $"of content, more than its height of {limit:0.#}pt."));
            }

            boxes.Add((box, slabs));
        }

        return new LaidOutDocument(spec, flow, body, Paginate, boxes, Watermark(spec, context));
    }

    // The watermark's line, centred on the page and turned by its angle around the page's centre.
    private static List<DrawOp> Watermark(DocumentSpec spec, LayoutContext context)
    {
        var ops = new List<DrawOp>();
        if (spec.Watermark is not { } mark || mark.Text.Length == 0)
        {
            return ops;
        }

        var format = new ParagraphFormat(TextAlign.Left, TextDirection.Auto, 1, 0, context.Language);
        var line = ParagraphLayout.Create(
            [new StyledText(mark.Text, mark.Style)], format, context.Fonts, float.MaxValue / 4);
        if (line.Lines.Count == 0)
        {
            return ops;
        }

        var (cx, cy) = (spec.Page.Width / 2, spec.Page.Height / 2);
        var flat = new List<DrawOp>();
        line.Draw(flat, cx - line.Lines[0].Width / 2, cy - line.Height / 2, 0, line.Lines.Count);
        var angle = mark.Angle * MathF.PI / 180;
        var (cos, sin) = (MathF.Cos(angle), MathF.Sin(angle));
        foreach (var op in flat)
        {
            if (op is TextOp text)
            {
                var (dx, dy) = (text.X - cx, text.Baseline - cy);
                ops.Add(text with
                {
                    X = cx + dx * cos + dy * sin,
                    Baseline = cy - dx * sin + dy * cos,
                    Rotation = mark.Angle,
                    Opacity = mark.Opacity,
                });
            }
        }

        return ops;
    }
}
