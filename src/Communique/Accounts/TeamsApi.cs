using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Accounts;

// Accounts and their teams. A caller sees its own account, and only the teams it belongs to.
public static class TeamsApi
{
    public static RouteGroupBuilder MapTeams(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Accounts and teams").WithGroupName("users")
            .RequireTeamCaller().RequireAccess(Area.TeamAdministration, Access.Edit);
        group.MapGet("/accounts/current", CurrentAccount).WithSummary("The caller's account.");
        group.MapGet("/teams", List).WithSummary("Teams of the account that the caller belongs to.");
        group.MapPost("/teams", Create).WithSummary("Create a team in the caller's account.");
        group.MapGet("/teams/{id:guid}", Get).WithSummary("One team.");
        group.MapPatch("/teams/{id:guid}", Rename).WithSummary("Rename a team.");
        return group;
    }

    private static async Task<Ok<AccountResponse>> CurrentAccount(
        TenantContext tenant, AppDb db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Accounts.AsNoTracking().Where(a => a.Id == tenant.Caller!.AccountId)
            .Select(a => new AccountResponse(a.Id, a.Name, a.CustomerId, a.CreatedAt)).FirstAsync(cancellationToken));

    // A user sees the teams it is a member of; a credential sees its own team only.
    private static IQueryable<Team> Visible(AppDb db, Caller caller) => caller.Kind == SubjectKind.User
        ? db.Teams.Where(t => t.AccountId == caller.AccountId
            && db.Memberships.IgnoreQueryFilters().Any(m => m.TeamId == t.Id && m.UserId == caller.SubjectId))
        : db.Teams.Where(t => t.Id == caller.TeamId);

    private static async Task<Ok<List<TeamResponse>>> List(
        TenantContext tenant, AppDb db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await Visible(db, tenant.Caller!).AsNoTracking().OrderBy(t => t.Name)
            .Select(t => new TeamResponse(t.Id, t.Name, t.Region, t.CreatedAt)).ToListAsync(cancellationToken));

    private static async Task<Results<Ok<TeamResponse>, ProblemHttpResult>> Get(
        Guid id, TenantContext tenant, AppDb db, CancellationToken cancellationToken)
    {
        var team = await Visible(db, tenant.Caller!).AsNoTracking()
            .FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        return team is null ? Problems.NotFound("team") : TypedResults.Ok(TeamResponse.From(team));
    }

    private static async Task<Results<Created<TeamResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateTeamRequest request, TenantContext tenant, AppDb db, CancellationToken cancellationToken)
    {
        var caller = tenant.Caller!;
        var name = request.Name!.Trim();
        if (await db.Teams.AnyAsync(t => t.AccountId == caller.AccountId && t.Name == name, cancellationToken))
        {
            return Problems.Conflict($"The account already has a team named '{name}'.");
        }

        var administrators = new List<Guid>();
        if (caller.Kind == SubjectKind.User)
        {
            administrators.Add(caller.SubjectId);
        }

        if (request.AdministratorEmail is { } email)
        {
            // Only a user of this account can be named; anyone else "does not exist" here.
            var named = await db.Users.Where(u => u.AccountId == caller.AccountId && u.Email == email)
                .Select(u => (Guid?)u.Id).FirstOrDefaultAsync(cancellationToken);
            if (named is null)
            {
                return Problems.Invalid("administratorEmail", "No user with this e-mail belongs to the account.");
            }

            administrators.Add(named.Value);
        }

        if (administrators.Count == 0)
        {
            return Problems.Invalid(
                "administratorEmail", "A team created by a client credential needs an administrator.");
        }

        var team = new Team { AccountId = caller.AccountId, Name = name, Region = request.Region!, CreatedAt = db.Now };
        db.Teams.Add(team);
        foreach (var userId in administrators.Distinct())
        {
            db.Memberships.Add(
                new Membership { TeamId = team.Id, UserId = userId, Role = Role.Administrator, CreatedAt = db.Now });
        }

        // The memberships belong to the new team, not to the caller's; this write crosses teams on purpose.
        await db.SaveChangesAcrossTeamsAsync(cancellationToken);
        return TypedResults.Created($"/teams/{team.Id}", TeamResponse.From(team));
    }

    private static async Task<Results<Ok<TeamResponse>, ValidationProblem, ProblemHttpResult>> Rename(
        Guid id, RenameTeamRequest request, TenantContext tenant, AppDb db, CancellationToken cancellationToken)
    {
        var caller = tenant.Caller!;
        // A request acts on its own team: another team is renamed with a token of that team.
        var team = id == caller.TeamId ? await db.Teams.FirstOrDefaultAsync(t => t.Id == id, cancellationToken) : null;
        if (team is null)
        {
            return Problems.NotFound("team");
        }

        var name = request.Name!.Trim();
        if (await db.Teams.AnyAsync(
            t => t.AccountId == caller.AccountId && t.Name == name && t.Id != id, cancellationToken))
        {
            return Problems.Conflict($"The account already has a team named '{name}'.");
        }

        team.Name = name;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(TeamResponse.From(team));
    }
}
