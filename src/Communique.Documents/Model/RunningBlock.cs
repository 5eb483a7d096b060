namespace Communique.Documents.Model;

// A page's header or footer: blocks laid out in the margin's width on every page it applies to; its page-number
// inlines are filled per page.
public sealed class RunningBlock
{
    public List<Block> Content { get; } = [];
}
