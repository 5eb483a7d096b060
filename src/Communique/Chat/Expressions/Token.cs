namespace Communique.Chat.Expressions;

// Position is 1-based in the whole source (a text's, for an expression inside {{ }}). Text is the name, the string's
// value or the operator as written.
internal readonly record struct Token(TokenKind Kind, int Position, string Text, decimal Number = 0);
