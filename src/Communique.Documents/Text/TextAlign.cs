namespace Communique.Documents.Text;

// Start and End follow the paragraph's direction (left and right in left-to-right text).
public enum TextAlign
{
    Start,
    End,
    Left,
    Right,
    Center,
    Justify,
}
