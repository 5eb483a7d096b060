using Communique.Auth;
using Communique.Tenancy;

namespace Communique.Accounts;

public sealed class Membership : ITeamOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TeamId { get; set; }
    public Guid UserId { get; set; }
    public Role Role { get; set; }
    public DateTime CreatedAt { get; set; }

    public User? User { get; set; }
}
