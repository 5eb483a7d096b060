using Communique.Documents.Drawing;

namespace Communique.Documents.Model;

// What every block may have: space around it, padding inside its border, border and background, and the page-flow
// rules. KeepTogether: the block moves to the next page whole when it does not fit the rest of this one (and is split
// only when it cannot fit a page at all). KeepWithNext: the block stays on the page of the block after it.
public sealed record BlockStyle
{
    public static readonly BlockStyle Default = new();

    public float SpaceBefore { get; init; }

    public float SpaceAfter { get; init; }

    public Edges Padding { get; init; }

    public Border? Border { get; init; }

    public Color? Background { get; init; }

    public bool KeepTogether { get; init; }

    public bool KeepWithNext { get; init; }

    public bool PageBreakBefore { get; init; }
}
