using Communique.Auth;

namespace Communique.Tenancy;

// Who is calling, as proven by a validated token.
public sealed record Caller(
    SubjectKind Kind,
    Guid SubjectId,
    Guid AccountId,
    string CustomerId,
    Guid TeamId,
    Role Role,
    string Stamp);
