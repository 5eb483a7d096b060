using System.Collections.Concurrent;
using Communique.Data;
using Communique.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Auth;

// Answers "is the credential or user behind this token still what it was when the token was minted?"
// A short-lived cache keeps that to about one database read per subject per second.
public sealed class SubjectStamps(IServiceScopeFactory scopes, IOptions<AuthOptions> options)
{
    private readonly ConcurrentDictionary<(Guid Subject, Guid Team, Role Role), (string? Stamp, long ReadAt)> _known =
        new();

    public async ValueTask<bool> IsCurrentAsync(Caller caller, CancellationToken cancellationToken)
    {
        var key = (caller.SubjectId, caller.TeamId, caller.Role);
        var maxAge = (long)(options.Value.RevocationCheckSeconds * 1000);
        if (!_known.TryGetValue(key, out var known) || Environment.TickCount64 - known.ReadAt > maxAge)
        {
            known = (await ReadAsync(caller, cancellationToken), Environment.TickCount64);
            _known[key] = known;
        }

        return known.Stamp is not null && string.Equals(known.Stamp, caller.Stamp, StringComparison.Ordinal);
    }

    public void Forget(Guid subject)
    {
        foreach (var key in _known.Keys.Where(k => k.Subject == subject))
        {
            _known.TryRemove(key, out _);
        }
    }

    private async Task<string?> ReadAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        return caller.Kind == SubjectKind.Credential
            ? await db.Credentials.IgnoreQueryFilters()
                .Where(c => c.Id == caller.SubjectId && c.TeamId == caller.TeamId && c.Role == caller.Role)
                .Select(c => c.Stamp).FirstOrDefaultAsync(cancellationToken)
            : await db.Memberships.IgnoreQueryFilters()
                .Where(m => m.UserId == caller.SubjectId && m.TeamId == caller.TeamId && m.Role == caller.Role)
                .Select(m => m.User!.SecurityStamp).FirstOrDefaultAsync(cancellationToken);
    }
}
