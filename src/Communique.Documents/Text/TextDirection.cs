namespace Communique.Documents.Text;

// Auto takes the direction of the paragraph's first strong character (Unicode's bidi rule P2).
public enum TextDirection
{
    Auto,
    LeftToRight,
    RightToLeft,
}
