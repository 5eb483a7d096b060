using System.Collections.Frozen;
using Communique.Auth;

namespace Communique.Jobs;

public sealed class JobKinds(IEnumerable<JobKind> kinds)
{
    private readonly FrozenDictionary<string, JobKind> _kinds =
        kinds.ToFrozenDictionary(k => k.Name, StringComparer.Ordinal);

    public JobKind? Of(string kind) => _kinds.GetValueOrDefault(kind);

    // The kinds whose jobs the role may see; jobs of a kind no handler is registered for are seen by nobody.
    public List<string> VisibleTo(Role role) =>
        [.. _kinds.Values.Where(k => RoleMatrix.Allows(role, k.Area, Access.View)).Select(k => k.Name)];
}
