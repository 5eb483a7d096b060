using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Communique.Chat.Expressions;

// A message with {{ expression }} parts: "Hello {{ properCase(context.name) }}!". Everything outside the braces is
// literal. A "}}" inside a string of the expression does not close it. One Render shares one step limit across all
// its parts, and the rendered text is held to the same length limit as any string value.
public sealed class ChatText
{
    private readonly string[] _literals;
    private readonly ExpressionNode[] _parts;

    // literals has one more element than parts: the text before each part, then the text after the last.
    private ChatText(string[] literals, ExpressionNode[] parts, IReadOnlyCollection<string> variables)
    {
        _literals = literals;
        _parts = parts;
        Variables = variables;
    }

    public IReadOnlyCollection<string> Variables { get; }

    public static bool TryParse(string source, [NotNullWhen(true)] out ChatText? text,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(source);
        text = null;
        if (ExpressionLimits.TooLong(source.Length))
        {
            error = $"at {ExpressionLimits.MaxStringChars + 1}: the text is longer than the limit of "
                + $"{ExpressionLimits.MaxStringChars} characters";
            return false;
        }
        var literals = new List<string>();
        var parts = new List<ExpressionNode>();
        var variables = new List<string>();
        var literalStart = 0;
        for (var open = source.IndexOf("{{", StringComparison.Ordinal);
            open >= 0;
            open = source.IndexOf("{{", literalStart, StringComparison.Ordinal))
        {
            if (parts.Count == ExpressionLimits.MaxTextParts)
            {
                error = $"at {open + 1}: the text has more than the limit of {ExpressionLimits.MaxTextParts} "
                    + "{{ }} parts";
                return false;
            }
            var close = FindClose(source, open + 2);
            if (close < 0)
            {
                error = $"at {open + 1}: '{{{{' is not closed with '}}}}'";
                return false;
            }
            if (!ExpressionParser.TryParse(source, open + 2, close, variables, out var part, out error))
            {
                return false;
            }
            literals.Add(source[literalStart..open]);
            parts.Add(part);
            literalStart = close + 2;
        }
        literals.Add(source[literalStart..]);
        text = new ChatText([.. literals], [.. parts], ChatExpression.Distinct(variables));
        error = null;
        return true;
    }

    public string Render(IExpressionScope scope) => Render(scope, null);

    // encode: applied to each part's value (not to the literal text around it), e.g. URL- or HTML-encoding.
    public string Render(IExpressionScope scope, Func<string, string>? encode)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var evaluation = new Evaluation(scope);
        var result = new StringBuilder(_literals[0]);
        for (var i = 0; i < _parts.Length; i++)
        {
            var value = ExpressionValue.Text(_parts[i].Evaluate(evaluation));
            Append(result, encode is null ? value : encode(value), _parts[i].Position);
            Append(result, _literals[i + 1], _parts[i].Position);
        }
        return result.ToString();
    }

    private static void Append(StringBuilder result, string text, int position)
    {
        if (ExpressionLimits.TooLong((long)result.Length + text.Length))
        {
            throw new ExpressionException($"at {position}: {ExpressionLimits.TooLongMessage}");
        }
        result.Append(text);
    }

    // The index of the "}}" that closes a part whose expression starts at start, skipping quoted strings as the
    // lexer reads them; -1 when there is none.
    private static int FindClose(string source, int start)
    {
        for (var i = start; i < source.Length; i++)
        {
            var c = source[i];
            if (c is '"' or '\'')
            {
                i++;
                while (i < source.Length && source[i] != c)
                {
                    i += source[i] == '\\' ? 2 : 1;
                }
                if (i >= source.Length)
                {
                    return -1;
                }
            }
            else if (c == '}' && i + 1 < source.Length && source[i + 1] == '}')
            {
                return i;
            }
        }
        return -1;
    }
}
