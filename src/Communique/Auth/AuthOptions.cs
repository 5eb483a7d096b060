using System.ComponentModel.DataAnnotations;

namespace Communique.Auth;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    // Base64 of at least 32 random bytes; shared by every node. Generated into the data directory when absent.
    public string? MasterKey { get; set; }

    [Required]
    public string Issuer { get; set; } = "communique";

    [Required]
    public string Audience { get; set; } = "communique-api";

    [Range(60, 86_400)]
    public int TokenLifetimeSeconds { get; set; } = 3600;

    // How long a node trusts its cached view of a credential or user before asking the database again.
    // The node that regenerates or deletes forgets at once; other nodes within this many seconds.
    [Range(0, 60)]
    public double RevocationCheckSeconds { get; set; } = 1;

    [Range(1, 1000)]
    public int FailedAttemptsPerClient { get; set; } = 10;

    [Range(1, 10_000)]
    public int FailedAttemptsPerAddress { get; set; } = 50;

    [Range(1, 3600)]
    public int FailedAttemptsWindowSeconds { get; set; } = 300;

    // Wrong passwords for one user from one address before that address (only) is locked out of the user.
    [Range(1, 100)]
    public int LockoutAfterFailedLogins { get; set; } = 5;

    [Range(1, 86_400)]
    public int LockoutSeconds { get; set; } = 900;

    // The longest wait before checking a password of an e-mail that keeps failing from anywhere.
    [Range(0, 60)]
    public int SlowDownMaxSeconds { get; set; } = 10;

    // Counters held by each sign-in throttle table; the oldest or least useful go when it is full.
    [Range(100, 10_000_000)]
    public int ThrottleCapacity { get; set; } = FixedWindows.DefaultCapacity;

    [Range(1, 100_000_000)]
    public int TeamRequestsPerWindow { get; set; } = 6000;

    [Range(1, 3600)]
    public int TeamWindowSeconds { get; set; } = 60;
}
