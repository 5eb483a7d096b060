namespace Communique.Documents.Model;

// Starts a new page (`<page-break/>`).
public sealed class PageBreakBlock : Block;
