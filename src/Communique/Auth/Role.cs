using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Communique.Http;

namespace Communique.Auth;

public enum Role
{
    Administrator,
    Designer,
    Developer,
    Reporter,
    CampaignCreator,
    LiveTakeover,
}

public enum Area
{
    Communications,
    CreateCommunication,
    Campaigns,
    Reporting,
    Suppression,
    DataSources,
    Templates,
    Assets,
    TeamAdministration,
    LiveTakeover,
}

public enum Access
{
    None,
    View,
    Edit,
}

// The role matrix of the product specification, one row per area.
public static class RoleMatrix
{
    private const Access E = Access.Edit;
    private const Access V = Access.View;
    private const Access N = Access.None;

    //                                                      admin designer developer reporter campaign live
    private static readonly FrozenDictionary<Area, Access[]> Rows = new Dictionary<Area, Access[]>
    {
        [Area.Communications] = [E, E, E, V, E, N],
        [Area.CreateCommunication] = [E, E, E, N, N, N],
        [Area.Campaigns] = [E, V, V, V, E, N],
        [Area.Reporting] = [E, E, E, E, E, N],
        [Area.Suppression] = [E, V, E, V, E, N],
        [Area.DataSources] = [E, V, V, V, V, N],
        [Area.Templates] = [E, E, E, V, V, N],
        [Area.Assets] = [E, E, E, V, E, N],
        [Area.TeamAdministration] = [E, N, N, N, N, N],
        [Area.LiveTakeover] = [E, N, N, N, N, E],
    }.ToFrozenDictionary();

    public static Access AccessOf(Role role, Area area) => Rows[area][(int)role];

    // "area:access" for every area the role may see, e.g. "data-sources:view".
    public static IReadOnlyList<string> Permissions(Role role) => PermissionsByRole[role];

    private static readonly FrozenDictionary<Role, string[]> PermissionsByRole =
        Enum.GetValues<Role>().ToFrozenDictionary(
        role => role,
        role => Enum.GetValues<Area>()
            .Where(area => AccessOf(role, area) != Access.None)
            .Select(area => $"{WireNames.Of(area)}:{WireNames.Of(AccessOf(role, area))}")
            .ToArray());

    public static bool Allows(Role role, Area area, Access needed) => AccessOf(role, area) >= needed;

    public static string PolicyName(Area area, Access access) => $"{area}:{access}";
}

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
