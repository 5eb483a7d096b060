namespace Communique.Chat.Expressions;

// What an expression reads. Variables are asked for by their full dotted name ("context.firstName", "user.email") and
// hold null, a string, a decimal or a bool; any other type is refused when the expression reads it.
public interface IExpressionScope
{
    bool TryGet(string name, out object? value);

    string HistoryText();

    // The conversation as HTML, already escaped: the expression passes it on as it is.
    string HistoryHtml();

    DateTimeOffset Now { get; }
}
