using Communique.Documents.Text;

namespace Communique.Documents.Model;

// Text in one style (white space already collapsed as in HTML's normal flow: runs of spaces, tabs and line ends
// are one space).
public sealed record TextInline(string Text, TextStyle Style) : Inline;
