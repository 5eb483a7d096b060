namespace Communique.Accounts;

public sealed record MemberResponse(
    Guid Id, string Email, string DisplayName, string Role, bool Locked, DateTime JoinedAt);
