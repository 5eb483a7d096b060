using System.Collections.Frozen;
using Communique.Http;

namespace Communique.Auth;

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
        // Reading what was sent is apart from sending it: the reporter reads, the administrator also holds and
        // retains.
        [Area.Archive] = [E, N, N, V, N, N],
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
