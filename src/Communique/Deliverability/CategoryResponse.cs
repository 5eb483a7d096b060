namespace Communique.Deliverability;

public sealed record CategoryResponse(Guid Id, string Name, string? Description, DateTime CreatedAt)
{
    public static CategoryResponse From(UnsubscribeCategory c) => new(c.Id, c.Name, c.Description, c.CreatedAt);
}
