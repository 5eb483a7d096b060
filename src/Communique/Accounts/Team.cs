namespace Communique.Accounts;

public sealed class Team
{
    public const string FirstTeamName = "General";

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AccountId { get; set; }
    public required string Name { get; set; }
    public required string Region { get; set; }
    public DateTime CreatedAt { get; set; }
}
