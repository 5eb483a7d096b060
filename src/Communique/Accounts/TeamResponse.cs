namespace Communique.Accounts;

public sealed record TeamResponse(Guid Id, string Name, string Region, DateTime CreatedAt)
{
    public static TeamResponse From(Team t) => new(t.Id, t.Name, t.Region, t.CreatedAt);
}
