namespace Communique.Credentials;

// The only response that ever carries a secret: creation and regeneration.
public sealed record IssuedCredentialResponse(
    Guid Id, string Name, string ClientId, string Secret, string Role, DateTime CreatedAt);
