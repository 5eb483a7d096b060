using Communique.Documents.Drawing;
using Communique.Documents.Text;

namespace Communique.Documents.Model;

// A barcode drawn as vector shapes. Width and Height in points (a square symbology uses the smaller of the two when
// both are given); HumanReadable prints the value under a linear barcode.
public sealed class BarcodeBlock : Block
{
    public required BarcodeKind Kind { get; init; }

    public required string Value { get; init; }

    public float Width { get; init; } = 72;

    public float Height { get; init; } = 72;

    public Color Color { get; init; } = Color.Black;

    public bool HumanReadable { get; init; }

    public TextAlign Align { get; init; } = TextAlign.Start;
}
