using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Communique.Auth;

public static class Roles
{
    private static readonly FrozenDictionary<Role, string> Names = new Dictionary<Role, string>
    {
        [Role.Administrator] = "administrator",
        [Role.Designer] = "designer",
        [Role.Developer] = "developer",
        [Role.Reporter] = "reporter",
        [Role.CampaignCreator] = "campaign-creator",
        [Role.LiveTakeover] = "live-takeover",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Role> ByName =
        Names.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> AllNames => Names.Values;

    public static string Name(this Role role) => Names[role];

    public static bool TryParse(string? name, [NotNullWhen(true)] out Role? role)
    {
        if (name is not null && ByName.TryGetValue(name, out var found))
        {
            role = found;
            return true;
        }

        role = null;
        return false;
    }

    // A credential or membership may be granted by someone holding that role or administrator.
    public static bool CanGrant(this Role granter, Role granted) => granter == Role.Administrator || granter == granted;
}
