using Communique.Documents.Drawing;

namespace Communique.Documents.Layout;

// Slabs stacked without page breaks (a table cell, a box, a header): their height and their drawing, with the same
// spacing and frames as on a page.
internal static class SlabStack
{
    public static float Height(IReadOnlyList<Slab> slabs)
    {
        var height = 0f;
        for (var i = 0; i < slabs.Count; i++)
        {
            height += Gap(slabs, i) + slabs[i].Height;
        }

        return height;
    }

    // The space between slab i and the one before it (none before the first).
    public static float Gap(IReadOnlyList<Slab> slabs, int i) =>
        i == 0 ? 0 : Math.Max(slabs[i - 1].SpaceAfter, slabs[i].SpaceBefore);

    public static void Draw(List<DrawOp> ops, IReadOnlyList<Slab> slabs, float x, float y)
    {
        var placed = new List<(Slab Slab, float Top)>(slabs.Count);
        for (var i = 0; i < slabs.Count; i++)
        {
            y += Gap(slabs, i);
            placed.Add((slabs[i], y));
            y += slabs[i].Height;
        }

        Paint(ops, placed, x);
    }

    // Frames behind, then the slabs: each frame once, from the top of its first slab here to the bottom of its last.
    public static void Paint(List<DrawOp> ops, List<(Slab Slab, float Top)> placed, float x)
    {
        Dictionary<Frame, (float Top, float Bottom)>? spans = null;
        List<Frame>? order = null;
        foreach (var (slab, top) in placed)
        {
            if (slab.Frames is null)
            {
                continue;
            }

            spans ??= [];
            order ??= [];
            foreach (var frame in slab.Frames)
            {
                if (spans.TryGetValue(frame, out var span))
                {
                    spans[frame] = (span.Top, top + slab.Height);
                }
                else
                {
                    spans[frame] = (top, top + slab.Height);
                    order.Add(frame);
                }
            }
        }

        foreach (var frame in order ?? [])
        {
            var (top, bottom) = spans![frame];
            var half = (frame.Border?.Width ?? 0) / 2;
            if (frame.Background is { } fill)
            {
                ops.Add(new RectOp(x + frame.Left, top, frame.Width, bottom - top, fill));
            }

            if (frame.Border is { } border && border.Width > 0)
            {
                ops.Add(new RectOp(x + frame.Left + half, top + half, frame.Width - 2 * half, bottom - top - 2 * half,
                    null, border.Color, border.Width));
            }
        }

        foreach (var (slab, top) in placed)
        {
            slab.Draw(ops, x, top);
        }
    }
}
