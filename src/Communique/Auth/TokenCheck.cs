using Communique.Tenancy;

namespace Communique.Auth;

public sealed record TokenCheck(Caller? Caller, string? Error)
{
    public static TokenCheck Fail(string error) => new(null, error);
}
