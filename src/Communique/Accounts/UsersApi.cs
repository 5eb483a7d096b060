using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Communique.Accounts;

// The users of the caller's team: memberships with a role. A user belongs to one account, and users outside the
// caller's team do not exist here, whether they are users of another team, of another account or of none.
public static class UsersApi
{
    public static RouteGroupBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/users").WithTags("Users").WithGroupName("users")
            .RequireTeamCaller().RequireAccess(Area.TeamAdministration, Access.Edit);
        group.MapGet("", List).WithSummary("Members of the team.");
        group.MapPost("", Add).WithSummary("Add a user of the account to the team (creating the user when new).");
        group.MapGet("/{id:guid}", Get).WithSummary("One member of the team.");
        group.MapPatch("/{id:guid}", Update).WithSummary("Change a member's role.");
        group.MapDelete("/{id:guid}", Remove).WithSummary("Remove a user from the team.");
        group.MapPost("/{id:guid}/unlock", Unlock).WithSummary("Lift a sign-in lock-out.");
        return group;
    }

    private static async Task<Results<Ok<Page<MemberResponse>>, ValidationProblem>> List(
        AppDb db, TenantContext tenant, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        var accountId = tenant.Caller!.AccountId;
        var rows = await db.Memberships.AsNoTracking()
            .Where(m => m.User!.AccountId == accountId)
            .Where(m => after == null || m.UserId.CompareTo(after.Value) > 0)
            .OrderBy(m => m.UserId).Take(take + 1)
            .Select(m => new { m.UserId, m.User!.Email, m.User.DisplayName, m.Role, m.User.LockedUntil, m.CreatedAt })
            .ToListAsync(cancellationToken);
        var now = db.Now;
        var page = Paging.Build(
            rows.Select(r => new MemberResponse(
                r.UserId, r.Email, r.DisplayName, r.Role.Name(), r.LockedUntil > now, r.CreatedAt)).ToList(),
            take, r => r.Id);
        return TypedResults.Ok(page);
    }

    private static async Task<Results<Ok<MemberResponse>, ProblemHttpResult>> Get(
        Guid id, AppDb db, TenantContext tenant, CancellationToken cancellationToken)
    {
        var member = await FindAsync(db, tenant, id, cancellationToken);
        return member is null ? Problems.NotFound("user") : TypedResults.Ok(Response(member, db.Now));
    }

    private static async Task<Results<Created<MemberResponse>, ValidationProblem, ProblemHttpResult>> Add(
        AddMemberRequest request, TenantContext tenant, AppDb db, IPasswordHasher<User> hasher,
        CancellationToken cancellationToken)
    {
        if (!Roles.TryParse(request.Role, out var role))
        {
            return Problems.Invalid("role", $"Must be one of: {string.Join(", ", Roles.AllNames)}.");
        }

        if (!tenant.Caller!.Role.CanGrant(role.Value))
        {
            return Problems.Forbidden("A role above your own cannot be granted.");
        }

        // Only the account's own users are looked at: the same e-mail in another account is another person here, and
        // the answer says nothing about it.
        var email = request.Email!.Trim();
        var accountId = tenant.Caller.AccountId;
        var user = await db.Users
            .FirstOrDefaultAsync(u => u.AccountId == accountId && u.Email == email, cancellationToken);
        if (user is null)
        {
            if (request.Password is null)
            {
                return Problems.Invalid("password", "A new user needs an initial password of at least 12 characters.");
            }

            user = new User
            {
                AccountId = accountId,
                Email = email,
                DisplayName = request.DisplayName?.Trim() ?? email,
                PasswordHash = "",
                DefaultTeamId = tenant.TeamId,
                CreatedAt = db.Now,
            };
            user.PasswordHash = hasher.HashPassword(user, request.Password);
            db.Users.Add(user);
        }
        else if (await db.Memberships.AnyAsync(m => m.UserId == user.Id, cancellationToken))
        {
            return Problems.Conflict("This user is already a member of the team.");
        }

        var membership = new Membership { UserId = user.Id, Role = role.Value, CreatedAt = db.Now, User = user };
        db.Memberships.Add(membership);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/users/{user.Id}", Response(membership, db.Now));
    }

    private static async Task<Results<Ok<MemberResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, UpdateMemberRequest request, TenantContext tenant, AppDb db, SubjectStamps stamps,
        CancellationToken cancellationToken)
    {
        if (!Roles.TryParse(request.Role, out var role))
        {
            return Problems.Invalid("role", $"Must be one of: {string.Join(", ", Roles.AllNames)}.");
        }

        var member = await FindAsync(db, tenant, id, cancellationToken);
        if (member is null)
        {
            return Problems.NotFound("user");
        }

        if (!tenant.Caller!.Role.CanGrant(role.Value))
        {
            return Problems.Forbidden("A role above your own cannot be granted.");
        }

        if (member.Role == Role.Administrator && role != Role.Administrator
            && await IsLastAdministratorAsync(db, cancellationToken))
        {
            return Problems.Conflict("The team's last administrator cannot be demoted.");
        }

        member.Role = role.Value;
        member.User!.SecurityStamp = User.NewStamp();
        await db.SaveChangesAsync(cancellationToken);
        stamps.Forget(id);
        return TypedResults.Ok(Response(member, db.Now));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        Guid id, AppDb db, TenantContext tenant, SubjectStamps stamps, CancellationToken cancellationToken)
    {
        var member = await FindAsync(db, tenant, id, cancellationToken);
        if (member is null)
        {
            return Problems.NotFound("user");
        }

        if (member.Role == Role.Administrator && await IsLastAdministratorAsync(db, cancellationToken))
        {
            return Problems.Conflict("The team's last administrator cannot be removed.");
        }

        db.Memberships.Remove(member);
        member.User!.SecurityStamp = User.NewStamp();
        await db.SaveChangesAsync(cancellationToken);
        stamps.Forget(id);
        return TypedResults.NoContent();
    }

    // Lifts the lock-out of every address (on this node; other nodes forget theirs when the lock-out ends).
    private static async Task<Results<Ok<MemberResponse>, ProblemHttpResult>> Unlock(
        Guid id, AppDb db, TenantContext tenant, SignInThrottle throttle, CancellationToken cancellationToken)
    {
        var member = await FindAsync(db, tenant, id, cancellationToken);
        if (member is null)
        {
            return Problems.NotFound("user");
        }

        member.User!.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken);
        throttle.Unlock(id);
        return TypedResults.Ok(Response(member, db.Now));
    }

    // A member of the caller's team (the query filter) who is a user of the caller's account.
    private static Task<Membership?> FindAsync(
        AppDb db, TenantContext tenant, Guid userId, CancellationToken cancellationToken)
    {
        var accountId = tenant.Caller!.AccountId;
        return db.Memberships.Include(m => m.User)
            .FirstOrDefaultAsync(m => m.UserId == userId && m.User!.AccountId == accountId, cancellationToken);
    }

    private static async Task<bool> IsLastAdministratorAsync(AppDb db, CancellationToken cancellationToken) =>
        await db.Memberships.CountAsync(m => m.Role == Role.Administrator, cancellationToken) <= 1;

    private static MemberResponse Response(Membership m, DateTime now) =>
        new(m.UserId, m.User!.Email, m.User.DisplayName, m.Role.Name(), m.User.LockedUntil > now, m.CreatedAt);
}
