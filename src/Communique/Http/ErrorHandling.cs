namespace Communique.Http;

public static class ErrorHandling
{
    public static IServiceCollection AddErrorHandling(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            // Framework-made problems (validation, 404 of an unknown route) get our catalogue's types too.
            if (c.ProblemDetails.Type is null
                || c.ProblemDetails.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
            {
                c.ProblemDetails.Type = c.ProblemDetails is HttpValidationProblemDetails
                    ? ProblemTypes.Validation
                    : ProblemTypes.ForStatus(c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode);
            }

            c.ProblemDetails.Extensions["requestId"] = c.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<UnhandledExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }
}
