namespace Communique.Accounts;

public sealed class User
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Email { get; set; }
    public required string DisplayName { get; set; }
    public required string PasswordHash { get; set; }

    // Changes whenever the user's access changes; tokens carrying an older stamp are refused.
    public string SecurityStamp { get; set; } = NewStamp();
    public int FailedLogins { get; set; }
    public DateTime? LockedUntil { get; set; }
    public Guid? DefaultTeamId { get; set; }
    public DateTime CreatedAt { get; set; }

    public static string NewStamp() => Guid.NewGuid().ToString("N");
}
