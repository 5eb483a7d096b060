using System.Collections.Concurrent;
using Communique.Communications;
using Communique.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Chat;

// Compiled flows by bot and version number. A version never changes, so a compiled one serves every conversation of
// it. Callers reach a bot through the team's own rows first (its conversation or its communication), so an entry is
// only ever found by the team that owns it.
public sealed class ChatFlowCache(IOptions<ChatOptions> options)
{
    private readonly ConcurrentDictionary<(Guid Bot, int Version), CompiledFlow> _flows = new();

    // The bot's current version and flow; null when the team has no chat communication of that id.
    public async Task<(int Version, CompiledFlow Flow)?> CurrentAsync(
        AppDb db, Guid botId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var bot = await db.Communications.AsNoTracking()
            .Where(c => c.Id == botId && c.Channel == Channel.Chat)
            .Select(c => new { c.Version, c.Content }).FirstOrDefaultAsync(cancellationToken);
        return bot is null ? null : (bot.Version, Remember((botId, bot.Version), bot.Content));
    }

    public async Task<CompiledFlow> VersionAsync(AppDb db, Guid botId, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (_flows.TryGetValue((botId, version), out var flow))
        {
            return flow;
        }

        var content = await db.CommunicationVersions.AsNoTracking()
            .Where(v => v.CommunicationId == botId && v.Number == version).Select(v => v.Content)
            .FirstAsync(cancellationToken);
        return Remember((botId, version), content);
    }

    private CompiledFlow Remember((Guid, int) key, string content)
    {
        if (_flows.TryGetValue(key, out var known))
        {
            return known;
        }

        if (_flows.Count >= options.Value.CachedFlows)
        {
            _flows.Clear();
        }

        return _flows.GetOrAdd(key, ChatFlows.Compile(content));
    }
}
