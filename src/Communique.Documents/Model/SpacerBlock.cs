namespace Communique.Documents.Model;

// Empty vertical space (`<spacer height="..."/>`).
public sealed class SpacerBlock : Block
{
    public float Height { get; init; }
}
