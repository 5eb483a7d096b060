using Communique.Http;
using Communique.Tenancy;

namespace Communique.Auth;

// Every private call names its account in PB-Customer-Id, and it must be the token's account, byte for byte.
public sealed class CustomerIdCheck : IEndpointFilter
{
    public const string Header = "PB-Customer-Id";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var tenant = context.HttpContext.RequestServices.GetRequiredService<TenantContext>();
        var headers = context.HttpContext.Request.Headers;
        if (!headers.TryGetValue(Header, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                $"The {Header} header is required on this call.", statusCode: 400,
                title: "Missing customer id", type: ProblemTypes.MissingCustomerId));
        }

        if (values.Count > 1 || !string.Equals(values[0], tenant.Caller?.CustomerId, StringComparison.Ordinal))
        {
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                $"The {Header} header does not match the account of the token.", statusCode: 403,
                title: "Customer id mismatch", type: ProblemTypes.CustomerIdMismatch));
        }

        return next(context);
    }
}
