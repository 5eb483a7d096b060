namespace Communique.Documents.Text;

// A piece of a paragraph in one style; a '\n' in Text is a forced line break.
public sealed record StyledText(string Text, TextStyle Style);
