namespace Communique.Accounts;

public sealed class User
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    // A user belongs to one account; the same e-mail in another account is another user.
    public Guid AccountId { get; set; }
    public required string Email { get; set; }
    public required string DisplayName { get; set; }
    public required string PasswordHash { get; set; }

    // Changes whenever the user's access changes; tokens carrying an older stamp are refused.
    public string SecurityStamp { get; set; } = NewStamp();

    // Until when at least one address is locked out of this user after repeated failed sign-ins from it.
    public DateTime? LockedUntil { get; set; }
    public Guid? DefaultTeamId { get; set; }
    public DateTime CreatedAt { get; set; }

    public static string NewStamp() => Guid.NewGuid().ToString("N");
}
