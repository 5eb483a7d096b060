using Microsoft.Extensions.Options;

namespace Communique.Auth;

// One set of per-team counters for the whole process (the filter itself exists once per endpoint).
public sealed class TeamBudget(TimeProvider clock, IOptions<AuthOptions> options)
{
    public FixedWindows Windows { get; } = new(clock, options.Value.TeamRequestsPerWindow,
        TimeSpan.FromSeconds(options.Value.TeamWindowSeconds));
}
