using Communique.Documents.Drawing;

namespace Communique.Documents.Text;

// How a run of text looks. Sizes and spacing in points; Link is a URI the text opens when clicked.
public sealed record TextStyle(
    string FontFamily, float FontSize, bool Bold, bool Italic, Color Color, float LetterSpacing = 0,
    bool Underline = false, string? Link = null)
{
    public const string DefaultFamily = "Liberation Sans";

    public static readonly TextStyle Default = new(DefaultFamily, 10, Bold: false, Italic: false, Color.Black);
}
