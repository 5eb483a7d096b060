namespace Communique.Chat.Expressions;

internal enum TokenKind
{
    End,
    Number,
    String,
    Name,
    LeftParenthesis,
    RightParenthesis,
    Comma,
    Question,
    Colon,
    Not,
    Minus,
    Plus,
    Star,
    Slash,
    Percent,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
    And,
    Or,
}
