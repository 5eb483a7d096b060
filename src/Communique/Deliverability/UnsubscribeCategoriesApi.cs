using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Deliverability;

public static class UnsubscribeCategoriesApi
{
    public static RouteGroupBuilder MapUnsubscribeCategories(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/unsubscribe-categories").WithTags("Unsubscribe categories").WithGroupName("private")
            .RequireTeamCaller();
        group.MapGet("", List).RequireAccess(Area.Suppression, Access.View)
            .WithSummary("The team's unsubscribe categories.");
        group.MapPost("", Add).RequireAccess(Area.Suppression, Access.Edit)
            .WithSummary("Add a category (names are unique in the team).");
        group.MapPut("/{id:guid}", Edit).RequireAccess(Area.Suppression, Access.Edit)
            .WithSummary("Change a category's description (the name is what communications and unsubscribes refer "
                + "to, so it stays).");
        group.MapDelete("/{id:guid}", Remove).RequireAccess(Area.Suppression, Access.Edit)
            .WithSummary("Remove a category nobody is unsubscribed from.");
        return group;
    }

    private static async Task<Results<Ok<Page<CategoryResponse>>, ValidationProblem>> List(
        AppDb db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        var rows = await db.UnsubscribeCategories.AsNoTracking()
            .Where(c => after == null || c.Id.CompareTo(after.Value) > 0)
            .OrderBy(c => c.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows.Select(CategoryResponse.From).ToList(), take, c => c.Id));
    }

    private static async Task<Results<Created<CategoryResponse>, ValidationProblem, ProblemHttpResult>> Add(
        CategoryRequest request, AppDb db, CancellationToken cancellationToken)
    {
        var name = request.Name!.Trim();
        if (name.Length == 0)
        {
            return Problems.Invalid("name", "Name the category, e.g. Offers.");
        }

        var category = new UnsubscribeCategory { Name = name, Description = request.Description?.Trim(),
            CreatedAt = db.Now };
        db.UnsubscribeCategories.Add(category);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Problems.Conflict($"The team already has the category '{name}'.");
        }

        return TypedResults.Created($"/unsubscribe-categories/{category.Id}", CategoryResponse.From(category));
    }

    private static async Task<Results<Ok<CategoryResponse>, ValidationProblem, ProblemHttpResult>> Edit(
        Guid id, CategoryRequest request, AppDb db, CancellationToken cancellationToken)
    {
        var category = await db.UnsubscribeCategories.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (category is null)
        {
            return Problems.NotFound("unsubscribe category");
        }

        if (request.Name!.Trim() != category.Name)
        {
            return Problems.Invalid("name",
                $"A category keeps its name ('{category.Name}'); add a new category to use another.");
        }

        category.Description = request.Description?.Trim();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(CategoryResponse.From(category));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var category = await db.UnsubscribeCategories.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (category is null)
        {
            return Problems.NotFound("unsubscribe category");
        }

        var unsubscribed = await db.Unsubscribes.CountAsync(u => u.Category == category.Name, cancellationToken);
        if (unsubscribed > 0)
        {
            return Problems.Conflict(
                $"{unsubscribed} unsubscribe entries refer to '{category.Name}'; remove them first.");
        }

        db.UnsubscribeCategories.Remove(category);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
