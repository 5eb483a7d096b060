using Communique.Auth;
using Communique.Tenancy;

namespace Communique.Credentials;

public sealed class ClientCredential : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public required string Name { get; set; }
    public required string ClientId { get; set; }

    // Keyed hash of the secret; the secret itself is shown once and never stored.
    public required byte[] SecretHash { get; set; }
    public Role Role { get; set; }
    public required string CreatedBy { get; set; }

    // Replaced on regeneration, so that tokens minted from the old secret stop validating.
    public string Stamp { get; set; } = Guid.NewGuid().ToString("N");
    public DateTime CreatedAt { get; set; }
    public DateTime? RegeneratedAt { get; set; }
}
