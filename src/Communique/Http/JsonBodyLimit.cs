using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Communique.Http;

public sealed class RequestLimitOptions
{
    public const string Section = "Http";

    // The largest JSON request body an endpoint reads (uploads have limits of their own).
    [Range(16 * 1024, 256L * 1024 * 1024)]
    public long MaxJsonBodyBytes { get; set; } = 4 * 1024 * 1024;
}

// A JSON body is read whole before it is validated, so its size is bounded before the first byte is read: a declared
// length over the limit is refused at once (413), and the server stops reading a chunked body at the limit.
// Endpoints that state their own limit (IRequestSizeLimitMetadata) keep it.
public static class JsonBodyLimit
{
    public static IServiceCollection AddJsonBodyLimit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RequestLimitOptions>().Bind(configuration.GetSection(RequestLimitOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static IApplicationBuilder UseJsonBodyLimit(this IApplicationBuilder app)
    {
        var limit = app.ApplicationServices.GetRequiredService<IOptions<RequestLimitOptions>>().Value.MaxJsonBodyBytes;
        return app.Use(async (context, next) =>
        {
            var metadata = context.GetEndpoint()?.Metadata;
            if (metadata?.GetMetadata<IAcceptsMetadata>() is not { } accepts
                || !accepts.ContentTypes.Any(t => t.Contains("json", StringComparison.OrdinalIgnoreCase))
                || metadata.GetMetadata<IRequestSizeLimitMetadata>() is not null)
            {
                await next(context);
                return;
            }

            if (context.Request.ContentLength > limit)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status413PayloadTooLarge,
                        Title = "Payload too large",
                        Type = ProblemTypes.PayloadTooLarge,
                        Detail = $"A JSON body of this endpoint may have at most {limit:N0} bytes.",
                    },
                });
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }

            await next(context);
        });
    }
}
