namespace Communique.Auth;

public sealed record LoginResponse(
    string AccessToken, string TokenType, int ExpiresIn, string CustomerId, Guid TeamId, string Role);
