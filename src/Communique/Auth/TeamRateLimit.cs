using System.Globalization;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.Extensions.Options;

namespace Communique.Auth;

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

        var state = budget.Windows.Hit(ThrottleKey.Of(tenant.TeamId));
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
