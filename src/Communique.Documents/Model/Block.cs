namespace Communique.Documents.Model;

// A block of the body, a cell or a box. Line and Column locate it in the markup, for error messages.
public abstract class Block
{
    public BlockStyle Style { get; init; } = BlockStyle.Default;

    public int Line { get; init; }

    public int Column { get; init; }
}
