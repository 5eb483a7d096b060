using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Communique.Chat.Expressions;

// Splits source[start..end) into tokens. A name is read with its dots ("context.order_id") so that the parser sees a
// variable as one token; whether its root is allowed is the parser's question.
internal static class ExpressionLexer
{
    public static bool TryRead(string source, int start, int end, List<Token> tokens,
        [NotNullWhen(false)] out string? error)
    {
        var i = start;
        while (true)
        {
            while (i < end && char.IsWhiteSpace(source[i]))
            {
                i++;
            }
            if (i == end)
            {
                tokens.Add(new Token(TokenKind.End, i + 1, ""));
                error = null;
                return true;
            }
            var c = source[i];
            var next = i + 1 < end ? source[i + 1] : '\0';
            var position = i + 1;
            if (char.IsAsciiDigit(c))
            {
                if (!TryReadNumber(source, ref i, end, out var token, out error))
                {
                    return false;
                }
                tokens.Add(token);
            }
            else if (c is '"' or '\'')
            {
                if (!TryReadString(source, ref i, end, out var token, out error))
                {
                    return false;
                }
                tokens.Add(token);
            }
            else if (IsNameStart(c))
            {
                if (!TryReadName(source, ref i, end, out var token, out error))
                {
                    return false;
                }
                tokens.Add(token);
            }
            else
            {
                var (kind, length) = (c, next) switch
                {
                    ('<', '=') => (TokenKind.LessOrEqual, 2),
                    ('>', '=') => (TokenKind.GreaterOrEqual, 2),
                    ('=', '=') => (TokenKind.Equal, 2),
                    ('!', '=') => (TokenKind.NotEqual, 2),
                    ('&', '&') => (TokenKind.And, 2),
                    ('|', '|') => (TokenKind.Or, 2),
                    ('(', _) => (TokenKind.LeftParenthesis, 1),
                    (')', _) => (TokenKind.RightParenthesis, 1),
                    (',', _) => (TokenKind.Comma, 1),
                    ('?', _) => (TokenKind.Question, 1),
                    (':', _) => (TokenKind.Colon, 1),
                    ('!', _) => (TokenKind.Not, 1),
                    ('-', _) => (TokenKind.Minus, 1),
                    ('+', _) => (TokenKind.Plus, 1),
                    ('*', _) => (TokenKind.Star, 1),
                    ('/', _) => (TokenKind.Slash, 1),
                    ('%', _) => (TokenKind.Percent, 1),
                    ('<', _) => (TokenKind.Less, 1),
                    ('>', _) => (TokenKind.Greater, 1),
                    _ => (TokenKind.End, 0),
                };
                if (length == 0)
                {
                    error = $"at {position}: unexpected character '{c}'" + c switch
                    {
                        '=' => "; compare with '=='",
                        '&' => "; use '&&'",
                        '|' => "; use '||'",
                        _ => "",
                    };
                    return false;
                }
                tokens.Add(new Token(kind, position, source.Substring(i, length)));
                i += length;
            }
        }
    }

    private static bool TryReadNumber(string source, ref int i, int end, out Token token,
        [NotNullWhen(false)] out string? error)
    {
        var start = i;
        while (i < end && char.IsAsciiDigit(source[i]))
        {
            i++;
        }
        if (i + 1 < end && source[i] == '.' && char.IsAsciiDigit(source[i + 1]))
        {
            i++;
            while (i < end && char.IsAsciiDigit(source[i]))
            {
                i++;
            }
        }
        var text = source[start..i];
        token = default;
        if (i < end && (IsNameStart(source[i]) || source[i] == '.'))
        {
            error = $"at {i + 1}: unexpected '{source[i]}' after the number {text}";
            return false;
        }
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            error = $"at {start + 1}: the number {text} is too large";
            return false;
        }
        token = new Token(TokenKind.Number, start + 1, text, number);
        error = null;
        return true;
    }

    private static bool TryReadString(string source, ref int i, int end, out Token token,
        [NotNullWhen(false)] out string? error)
    {
        var start = i;
        var quote = source[i++];
        var value = new StringBuilder();
        while (i < end && source[i] != quote)
        {
            if (source[i] != '\\')
            {
                value.Append(source[i++]);
                continue;
            }
            var escaped = i + 1 < end ? source[i + 1] : '\0';
            char? unescaped = escaped switch
            {
                '\\' => '\\',
                '\'' => '\'',
                '"' => '"',
                'n' => '\n',
                _ => null,
            };
            if (unescaped is null)
            {
                token = default;
                error = $"at {i + 1}: unknown escape; use \\\\, \\', \\\" or \\n";
                return false;
            }
            value.Append(unescaped.Value);
            i += 2;
        }
        if (i == end)
        {
            token = default;
            error = $"at {start + 1}: the string is not closed with {quote}";
            return false;
        }
        i++;
        token = new Token(TokenKind.String, start + 1, value.ToString());
        error = null;
        return true;
    }

    private static bool TryReadName(string source, ref int i, int end, out Token token,
        [NotNullWhen(false)] out string? error)
    {
        var start = i;
        while (true)
        {
            i++;
            while (i < end && (IsNameStart(source[i]) || char.IsDigit(source[i])))
            {
                i++;
            }
            if (i == end || source[i] != '.')
            {
                break;
            }
            if (i + 1 == end || !IsNameStart(source[i + 1]))
            {
                token = default;
                error = $"at {i + 2}: expected a name part (a letter or '_') after '.'";
                return false;
            }
            i++;
        }
        token = new Token(TokenKind.Name, start + 1, source[start..i]);
        error = null;
        return true;
    }

    private static bool IsNameStart(char c) => char.IsLetter(c) || c == '_';
}
