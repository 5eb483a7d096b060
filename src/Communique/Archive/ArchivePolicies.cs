using System.Collections.Concurrent;
using Communique.Communications;
using Communique.Data;
using Communique.Http;
using Microsoft.EntityFrameworkCore;

namespace Communique.Archive;

// The teams' archiving rules as the send path asks for them, once per message: read from the database at most every
// CacheSeconds per team (a change made on this server applies at once, one made on another within that time).
public sealed class ArchivePolicies(IServiceScopeFactory scopes, TimeProvider time)
{
    public const int CacheSeconds = 10;

    private readonly ConcurrentDictionary<Guid, (DateTime Read, ArchivePolicy[] Rules)> _teams = new();

    // The rule for the team's channel: the channel's own, else the team's rule for all channels, else the default.
    public async ValueTask<ArchivePolicy> ForAsync(Guid teamId, Channel channel, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (!_teams.TryGetValue(teamId, out var cached) || now - cached.Read > TimeSpan.FromSeconds(CacheSeconds))
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            var rules = await db.ArchivePolicies.IgnoreQueryFilters().AsNoTracking()
                .Where(p => p.TeamId == teamId).ToArrayAsync(cancellationToken);
            cached = (now, rules);
            _teams[teamId] = cached;
        }

        var scopeName = WireNames.Of(channel);
        return cached.Rules.FirstOrDefault(r => r.Scope == scopeName)
            ?? cached.Rules.FirstOrDefault(r => r.Scope == ArchivePolicy.AllChannels)
            ?? new ArchivePolicy { TeamId = teamId, Scope = ArchivePolicy.AllChannels };
    }

    public void Forget(Guid teamId) => _teams.TryRemove(teamId, out _);
}
