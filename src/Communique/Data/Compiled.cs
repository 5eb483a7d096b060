using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Communique.Data;

// Compiled queries, one per provider: a compiled query is bound to the model of the first context it runs on,
// and a process (the test suite) may hold both providers.
public static class Compiled
{
    private static readonly ConcurrentDictionary<(Type Context, Type Query, string Site), Delegate> Queries = new();

    public static TQuery Get<TQuery>(AppDb db, Func<TQuery> compile, [CallerMemberName] string site = "")
        where TQuery : Delegate =>
        (TQuery)Queries.GetOrAdd((db.GetType(), typeof(TQuery), site), static (_, c) => c(), compile);
}
