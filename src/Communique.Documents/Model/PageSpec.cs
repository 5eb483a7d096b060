namespace Communique.Documents.Model;

// Page size in points (portrait or landscape already applied) and the body's margins. The header is laid out from
// HeaderDistance below the page's top edge, the footer ends FooterDistance above its bottom edge; both span the
// width between the left and right margins.
public sealed record PageSpec(float Width, float Height, Edges Margins, float HeaderDistance, float FooterDistance)
{
    public const float Millimetre = 72f / 25.4f;

    public static readonly PageSpec A4 = new(
        210 * Millimetre, 297 * Millimetre, Edges.All(20 * Millimetre), 10 * Millimetre, 10 * Millimetre);
}
