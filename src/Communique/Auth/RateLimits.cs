using System.Globalization;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.Extensions.Options;

namespace Communique.Auth;

// Failed sign-in attempts, counted per client id (or e-mail) and per source address.
public sealed class SignInThrottle(TimeProvider clock, IOptions<AuthOptions> options)
{
    private readonly FixedWindows _bySubject = new(clock, options.Value.FailedAttemptsPerClient,
        TimeSpan.FromSeconds(options.Value.FailedAttemptsWindowSeconds));

    private readonly FixedWindows _byAddress = new(clock, options.Value.FailedAttemptsPerAddress,
        TimeSpan.FromSeconds(options.Value.FailedAttemptsWindowSeconds));

    public TimeSpan? RetryAfter(string subject, HttpContext context)
    {
        var bySubject = _bySubject.Peek(subject);
        var byAddress = _byAddress.Peek(AddressOf(context));
        if (bySubject.Allowed && byAddress.Allowed)
        {
            return null;
        }

        return bySubject.Allowed ? byAddress.ResetIn : byAddress.Allowed ? bySubject.ResetIn
            : TimeSpan.FromTicks(Math.Max(bySubject.ResetIn.Ticks, byAddress.ResetIn.Ticks));
    }

    public void Failed(string subject, HttpContext context)
    {
        _bySubject.Hit(subject);
        _byAddress.Hit(AddressOf(context));
    }

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooMany(HttpContext context, TimeSpan retryAfter)
    {
        context.Response.Headers.RetryAfter = Seconds(retryAfter);
        return TypedResults.Problem(
            "Too many failed attempts; try again later.", statusCode: 429,
            title: "Too many requests", type: ProblemTypes.RateLimited);
    }

    internal static string Seconds(TimeSpan span) =>
        Math.Max(1, (int)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}

// Per-team request budget with the RateLimit-* headers of the IETF draft on every response.
public sealed class TeamRateLimit(TeamBudget budget, IOptions<AuthOptions> options) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var tenant = context.HttpContext.RequestServices.GetRequiredService<TenantContext>();
        if (!tenant.HasTeam)
        {
            return next(context);
        }

        var state = budget.Windows.Hit(tenant.TeamId.ToString());
        var headers = context.HttpContext.Response.Headers;
        var reset = SignInThrottle.Seconds(state.ResetIn);
        headers["RateLimit-Limit"] = state.Limit.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = state.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Reset"] = reset;
        headers["RateLimit-Policy"] = $"{state.Limit};w={options.Value.TeamWindowSeconds}";
        if (state.Allowed)
        {
            return next(context);
        }

        headers.RetryAfter = reset;
        return ValueTask.FromResult<object?>(TypedResults.Problem(
            "This team has used its request budget for the current window.", statusCode: 429,
            title: "Too many requests", type: ProblemTypes.RateLimited));
    }
}

// One set of per-team counters for the whole process (the filter itself exists once per endpoint).
public sealed class TeamBudget(TimeProvider clock, IOptions<AuthOptions> options)
{
    public FixedWindows Windows { get; } = new(clock, options.Value.TeamRequestsPerWindow,
        TimeSpan.FromSeconds(options.Value.TeamWindowSeconds));
}
