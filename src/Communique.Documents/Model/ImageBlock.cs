using Communique.Documents.Text;

namespace Communique.Documents.Model;

// An image from the asset library (Source: the asset's name or id, resolved by the caller). Width and Height in
// points; with one of them given the other keeps the image's aspect ratio, with neither the image is drawn at 96
// pixels per inch, shrunk to the available width.
public sealed class ImageBlock : Block
{
    public required string Source { get; init; }

    public float? Width { get; init; }

    public float? Height { get; init; }

    public TextAlign Align { get; init; } = TextAlign.Start;
}
