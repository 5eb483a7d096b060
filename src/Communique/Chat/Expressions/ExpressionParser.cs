using System.Diagnostics.CodeAnalysis;

namespace Communique.Chat.Expressions;

// Recursive descent over the tokens, one method per precedence level, lowest first. Every construct that makes the
// parser recurse into a whole sub-expression (parentheses, calls, unary operators, conditionals) counts a level of
// nesting, so the stack stays shallow whatever the input; chains of binary operators are loops. Names are resolved
// here, so an unknown function or variable root is an error before the flow is saved, not when a contact reaches it.
internal sealed class ExpressionParser
{
    private readonly List<Token> _tokens;
    private readonly List<string> _variables;
    private int _next;
    private int _depth;

    private ExpressionParser(List<Token> tokens, List<string> variables)
    {
        _tokens = tokens;
        _variables = variables;
    }

    private Token Peek => _tokens[_next];

    // Parses source[start..end); positions in errors are 1-based in the whole source. Every variable read is added
    // to variables, in order, with repeats.
    public static bool TryParse(string source, int start, int end, List<string> variables,
        [NotNullWhen(true)] out ExpressionNode? node, [NotNullWhen(false)] out string? error)
    {
        node = null;
        if (end - start > ChatExpression.MaxSourceChars)
        {
            error = $"at {start + ChatExpression.MaxSourceChars + 1}: the expression is longer than the limit of "
                + $"{ChatExpression.MaxSourceChars} characters";
            return false;
        }
        var tokens = new List<Token>();
        if (!ExpressionLexer.TryRead(source, start, end, tokens, out error))
        {
            return false;
        }
        var parser = new ExpressionParser(tokens, variables);
        try
        {
            var parsed = parser.ParseConditional();
            if (parser.Peek.Kind != TokenKind.End)
            {
                throw Unexpected(parser.Peek, "an operator or the end of the expression");
            }
            node = parsed;
            error = null;
            return true;
        }
        catch (SyntaxException e)
        {
            error = e.Message;
            return false;
        }
    }

    private ExpressionNode ParseConditional()
    {
        var condition = ParseOr();
        if (!Accept(TokenKind.Question, out var question))
        {
            return condition;
        }
        Enter(question);
        var whenTrue = ParseConditional();
        Expect(TokenKind.Colon, $"':' for the '?' at {question.Position}");
        var whenFalse = ParseConditional();
        _depth--;
        return new ConditionalNode(question.Position, condition, whenTrue, whenFalse);
    }

    private ExpressionNode ParseOr()
    {
        var left = ParseAnd();
        while (Accept(TokenKind.Or, out var operation))
        {
            left = new LogicalNode(operation.Position, isAnd: false, left, ParseAnd());
        }
        return left;
    }

    private ExpressionNode ParseAnd()
    {
        var left = ParseEquality();
        while (Accept(TokenKind.And, out var operation))
        {
            left = new LogicalNode(operation.Position, isAnd: true, left, ParseEquality());
        }
        return left;
    }

    private ExpressionNode ParseEquality()
    {
        var left = ParseOrdering();
        while (Peek.Kind is TokenKind.Equal or TokenKind.NotEqual)
        {
            var operation = _tokens[_next++];
            left = new ComparisonNode(operation, left, ParseOrdering());
        }
        return left;
    }

    private ExpressionNode ParseOrdering()
    {
        var left = ParseAdditive();
        while (Peek.Kind is TokenKind.Less or TokenKind.LessOrEqual or TokenKind.Greater or TokenKind.GreaterOrEqual)
        {
            var operation = _tokens[_next++];
            left = new ComparisonNode(operation, left, ParseAdditive());
        }
        return left;
    }

    private ExpressionNode ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Peek.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var operation = _tokens[_next++];
            left = new ArithmeticNode(operation, left, ParseMultiplicative());
        }
        return left;
    }

    private ExpressionNode ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Peek.Kind is TokenKind.Star or TokenKind.Slash or TokenKind.Percent)
        {
            var operation = _tokens[_next++];
            left = new ArithmeticNode(operation, left, ParseUnary());
        }
        return left;
    }

    private ExpressionNode ParseUnary()
    {
        var operation = Peek;
        if (operation.Kind is not (TokenKind.Not or TokenKind.Minus))
        {
            return ParsePrimary();
        }
        _next++;
        Enter(operation);
        var operand = ParseUnary();
        _depth--;
        return operation.Kind == TokenKind.Not
            ? new NotNode(operation.Position, operand)
            : new NegateNode(operation.Position, operand);
    }

    private ExpressionNode ParsePrimary()
    {
        var token = _tokens[_next++];
        switch (token.Kind)
        {
            case TokenKind.Number:
                return new LiteralNode(token.Position, token.Number);
            case TokenKind.String:
                return new LiteralNode(token.Position, token.Text);
            case TokenKind.LeftParenthesis:
                Enter(token);
                var inner = ParseConditional();
                Expect(TokenKind.RightParenthesis, $"')' for the '(' at {token.Position}");
                _depth--;
                return inner;
            case TokenKind.Name when Peek.Kind == TokenKind.LeftParenthesis:
                return ParseCall(token);
            case TokenKind.Name:
                return ParseName(token);
            default:
                throw Unexpected(token, "a value");
        }
    }

    private CallNode ParseCall(Token name)
    {
        if (!ExpressionFunctions.ByName.TryGetValue(name.Text, out var function))
        {
            throw new SyntaxException($"at {name.Position}: unknown function '{name.Text}'");
        }
        var open = _tokens[_next++];
        Enter(open);
        var arguments = new List<ExpressionNode>();
        if (!Accept(TokenKind.RightParenthesis, out _))
        {
            do
            {
                arguments.Add(ParseConditional());
            }
            while (Accept(TokenKind.Comma, out _));
            Expect(TokenKind.RightParenthesis, $"',' or ')' for the call of {function.Name} at {name.Position}");
        }
        _depth--;
        if (arguments.Count < function.MinArguments || arguments.Count > function.MaxArguments)
        {
            throw new SyntaxException(
                $"at {name.Position}: {function.Name} takes {function.Arity}, not {arguments.Count}");
        }
        return new CallNode(name.Position, function, [.. arguments]);
    }

    private ExpressionNode ParseName(Token name)
    {
        switch (name.Text)
        {
            case "true":
                return new LiteralNode(name.Position, true);
            case "false":
                return new LiteralNode(name.Position, false);
            case "null":
                return new LiteralNode(name.Position, null);
        }
        var dot = name.Text.IndexOf('.', StringComparison.Ordinal);
        var root = dot < 0 ? name.Text : name.Text[..dot];
        if (root is not ("context" or "user"))
        {
            var known = ExpressionFunctions.ByName.ContainsKey(name.Text)
                ? $"{name.Text} is a function: call it as {name.Text}(...)"
                : "variables start with context. or user.";
            throw new SyntaxException($"at {name.Position}: unknown name '{root}'; {known}");
        }
        if (dot < 0)
        {
            throw new SyntaxException(
                $"at {name.Position}: '{root}' needs a variable name after it, as in {root}.name");
        }
        _variables.Add(name.Text);
        return new VariableNode(name.Position, name.Text);
    }

    private bool Accept(TokenKind kind, out Token token)
    {
        token = Peek;
        if (token.Kind != kind)
        {
            return false;
        }
        _next++;
        return true;
    }

    private void Expect(TokenKind kind, string expected)
    {
        if (!Accept(kind, out var token))
        {
            throw Unexpected(token, expected);
        }
    }

    private void Enter(Token token)
    {
        if (++_depth > ExpressionLimits.MaxDepth)
        {
            throw new SyntaxException(
                $"at {token.Position}: the expression is nested deeper than the limit of {ExpressionLimits.MaxDepth}");
        }
    }

    private static SyntaxException Unexpected(Token found, string expected)
    {
        var what = found.Kind switch
        {
            TokenKind.End => "the end of the expression",
            TokenKind.String => "a string",
            _ => $"'{found.Text}'",
        };
        return new SyntaxException($"at {found.Position}: expected {expected}, found {what}");
    }

    private sealed class SyntaxException(string message) : Exception(message);
}
