namespace Communique.Documents.Model;

// Four lengths in points: margins, padding.
public readonly record struct Edges(float Top, float Right, float Bottom, float Left)
{
    public float Horizontal => Left + Right;

    public float Vertical => Top + Bottom;

    public static Edges All(float value) => new(value, value, value, value);
}
