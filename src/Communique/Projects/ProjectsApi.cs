using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Projects;

public static class ProjectsApi
{
    public static RouteGroupBuilder MapProjects(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/projects").WithTags("Projects").WithGroupName("private").RequireTeamCaller();
        group.MapGet("", List).RequireAccess(Area.Communications, Access.View).WithSummary("The team's projects.");
        group.MapPost("", Create).RequireAccess(Area.Communications, Access.Edit).WithSummary("Create a project.");
        group.MapGet("/{id:guid}", Get).RequireAccess(Area.Communications, Access.View).WithSummary("One project.");
        group.MapPut("/{id:guid}", Update).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Rename or describe a project.");
        group.MapDelete("/{id:guid}", Delete).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Delete an empty project (409 while it holds communications).");
        return group;
    }

    private static async Task<Results<Ok<Page<ProjectResponse>>, ValidationProblem>> List(
        AppDb db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        var rows = await db.Projects.AsNoTracking()
            .Where(p => after == null || p.Id.CompareTo(after.Value) > 0)
            .OrderBy(p => p.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows.Select(ProjectResponse.From).ToList(), take, p => p.Id));
    }

    private static async Task<Results<Ok<ProjectResponse>, ProblemHttpResult>> Get(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var project = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        return project is null ? Problems.NotFound("project") : TypedResults.Ok(ProjectResponse.From(project));
    }

    private static async Task<Results<Created<ProjectResponse>, ProblemHttpResult>> Create(
        ProjectRequest request, AppDb db, CancellationToken cancellationToken)
    {
        var name = request.Name!.Trim();
        var project = new Project
        {
            Name = name, Description = request.Description, CreatedAt = db.Now, UpdatedAt = db.Now,
        };
        db.Projects.Add(project);
        if (!await db.SaveUniqueAsync(cancellationToken))
        {
            return Problems.Conflict($"The team already has a project named '{name}'.");
        }

        return TypedResults.Created($"/projects/{project.Id}", ProjectResponse.From(project));
    }

    private static async Task<Results<Ok<ProjectResponse>, ProblemHttpResult>> Update(
        Guid id, ProjectRequest request, AppDb db, CancellationToken cancellationToken)
    {
        var project = await db.Projects.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (project is null)
        {
            return Problems.NotFound("project");
        }

        project.Name = request.Name!.Trim();
        project.Description = request.Description;
        project.UpdatedAt = db.Now;
        if (!await db.SaveUniqueAsync(cancellationToken))
        {
            return Problems.Conflict($"The team already has a project named '{project.Name}'.");
        }

        return TypedResults.Ok(ProjectResponse.From(project));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, AppDb db, IEnumerable<IProjectUsage> usages, CancellationToken cancellationToken)
    {
        foreach (var usage in usages)
        {
            if (await usage.BlockingUseAsync(db, id, cancellationToken) is { } reason)
            {
                return Problems.Conflict(reason);
            }
        }

        return await db.Projects.Where(p => p.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? Problems.NotFound("project")
            : TypedResults.NoContent();
    }
}
