using Communique.Auth;

namespace Communique.Credentials;

public sealed record CredentialResponse(
    Guid Id, string Name, string ClientId, string Role, string CreatedBy, DateTime CreatedAt, DateTime? RegeneratedAt)
{
    public static CredentialResponse From(ClientCredential c) =>
        new(c.Id, c.Name, c.ClientId, c.Role.Name(), c.CreatedBy, c.CreatedAt, c.RegeneratedAt);
}
