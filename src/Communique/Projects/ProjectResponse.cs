namespace Communique.Projects;

public sealed record ProjectResponse(Guid Id, string Name, string? Description, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static ProjectResponse From(Project p) => new(p.Id, p.Name, p.Description, p.CreatedAt, p.UpdatedAt);
}
