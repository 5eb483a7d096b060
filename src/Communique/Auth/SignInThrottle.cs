using System.Globalization;
using Communique.Http;
using Microsoft.Extensions.Options;

namespace Communique.Auth;

// Failed sign-in attempts. A failure counts against the pair of source address and identity (client id or e-mail)
// and against the address alone; both refuse only that address, so someone else's failures never block a client
// signing in from elsewhere. Sign-ins to a user are locked per address (the address that failed is refused, the
// user's own address is not) and slowed down per identity (every address waits longer, none is refused).
// Every table is bounded (see FixedWindows); addresses come from the connection, or from X-Forwarded-For only
// when the connection is a configured proxy (ForwardedHeadersSetup).
public sealed class SignInThrottle(TimeProvider clock, IOptions<AuthOptions> options)
{
    private readonly FixedWindows _byPair = new(clock, options.Value.FailedAttemptsPerClient,
        TimeSpan.FromSeconds(options.Value.FailedAttemptsWindowSeconds), options.Value.ThrottleCapacity);

    private readonly FixedWindows _byAddress = new(clock, options.Value.FailedAttemptsPerAddress,
        TimeSpan.FromSeconds(options.Value.FailedAttemptsWindowSeconds), options.Value.ThrottleCapacity);

    private readonly FixedWindows _locks = new(clock, options.Value.LockoutAfterFailedLogins,
        TimeSpan.FromSeconds(options.Value.LockoutSeconds), options.Value.ThrottleCapacity);

    private readonly FixedWindows _byIdentity = new(clock, int.MaxValue,
        TimeSpan.FromSeconds(options.Value.LockoutSeconds), options.Value.ThrottleCapacity);

    // The counters held, for tests of the bound.
    public int Size => _byPair.Size + _byAddress.Size + _locks.Size + _byIdentity.Size;

    public TimeSpan? RetryAfter(string kind, string identity, HttpContext context)
    {
        var address = AddressOf(context);
        var byPair = _byPair.Peek(ThrottleKey.Of(kind, address, identity));
        var byAddress = _byAddress.Peek(ThrottleKey.Of("address", address));
        if (byPair.Allowed && byAddress.Allowed)
        {
            return null;
        }

        return byPair.Allowed ? byAddress.ResetIn : byAddress.Allowed ? byPair.ResetIn
            : TimeSpan.FromTicks(Math.Max(byPair.ResetIn.Ticks, byAddress.ResetIn.Ticks));
    }

    public void Failed(string kind, string identity, HttpContext context)
    {
        var address = AddressOf(context);
        _byPair.Hit(ThrottleKey.Of(kind, address, identity));
        _byAddress.Hit(ThrottleKey.Of("address", address));
        _byIdentity.Hit(ThrottleKey.Of(kind, identity));
    }

    // How long this address stays locked out of the user, if it is.
    public TimeSpan? LockedFor(Guid user, HttpContext context)
    {
        var state = _locks.Peek(ThrottleKey.Of("lock", AddressOf(context), user.ToString()));
        return state.Allowed ? null : state.ResetIn;
    }

    // Counts a wrong password for the user from this address; true when that locks the address out.
    public bool FailedAgainst(Guid user, HttpContext context)
    {
        var key = ThrottleKey.Of("lock", AddressOf(context), user.ToString());
        _locks.Hit(key, ThrottleKey.Of(user));
        return !_locks.Peek(key).Allowed;
    }

    // Lifts every address's lock-out of the user.
    public void Unlock(Guid user) => _locks.Forget(ThrottleKey.Of(user));

    // The wait before checking a password of this identity: none up to the lock-out threshold, then doubling from
    // a second per further failure (from any address) up to the configured maximum.
    public TimeSpan SlowDown(string kind, string identity)
    {
        var beyond = _byIdentity.Count(ThrottleKey.Of(kind, identity)) - options.Value.LockoutAfterFailedLogins;
        return beyond <= 0 ? TimeSpan.Zero
            : TimeSpan.FromSeconds(Math.Min(options.Value.SlowDownMaxSeconds, Math.Pow(2, Math.Min(beyond - 1, 30))));
    }

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooMany(
        HttpContext context, TimeSpan retryAfter)
    {
        context.Response.Headers.RetryAfter = Seconds(retryAfter);
        return TypedResults.Problem(
            "Too many failed attempts; try again later.", statusCode: 429,
            title: "Too many requests", type: ProblemTypes.RateLimited);
    }

    internal static string Seconds(TimeSpan span) =>
        Math.Max(1, (int)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    // An IPv6 client usually holds a whole /64, so its addresses count as one.
    private static string AddressOf(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } address)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new System.Net.IPAddress(bytes) + "/64";
        }

        return address.ToString();
    }
}
