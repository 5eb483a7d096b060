namespace Communique.Auth;

public sealed record MeResponse(
    string Kind, Guid Id, string Name, string? Email, string CustomerId, Guid AccountId, Guid TeamId, string TeamName,
    string Role, IReadOnlyList<string> Permissions);
