namespace Communique.Chat.Expressions;

// An expression that cannot be evaluated against a scope: a type error, a division by zero, an overflow or one of
// the limits. The message is for the flow's author and names the position ("at 12: ...") where it can.
public sealed class ExpressionException(string message) : Exception(message);
