namespace Communique.Auth;

public static class TokenClaims
{
    public const string Subject = "sub";
    public const string SubjectKind = "sub_kind";
    public const string CustomerId = "customer_id";
    public const string Account = "account";
    public const string Team = "team";
    public const string Role = "role";
    public const string Stamp = "stamp";
    public const string TokenId = "jti";
}
