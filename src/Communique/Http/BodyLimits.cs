using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Communique.Http;

public static class BodyLimits
{
    public static IServiceCollection AddBodyLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RequestLimitOptions>().Bind(configuration.GetSection(RequestLimitOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long maxBytes)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new BodyLimit(maxBytes));

    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app)
    {
        var json = app.ApplicationServices.GetRequiredService<IOptions<RequestLimitOptions>>().Value.MaxJsonBodyBytes;
        return app.Use((context, next) => LimitAsync(context, next, json));
    }

    private static long? LimitOf(EndpointMetadataCollection? metadata, long json) =>
        metadata?.GetMetadata<BodyLimit>() is { } own ? own.MaxBytes
        : metadata?.GetMetadata<IRequestSizeLimitMetadata>() is not null ? null
        : metadata?.GetMetadata<IAcceptsMetadata>() is { } accepts
            && accepts.ContentTypes.Any(t => t.Contains("json", StringComparison.OrdinalIgnoreCase)) ? json
        : null;

    private static async Task LimitAsync(HttpContext context, RequestDelegate next, long json)
    {
        if (LimitOf(context.GetEndpoint()?.Metadata, json) is not { } maxBytes)
        {
            await next(context);
            return;
        }

        var limit = new BodyLimit(maxBytes);

        if (context.Request.ContentLength > limit.MaxBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status413PayloadTooLarge, Title = "Payload too large",
                    Type = ProblemTypes.PayloadTooLarge, Detail = TooLarge(limit.MaxBytes),
                },
            });
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
        {
            server.MaxRequestBodySize = limit.MaxBytes;
        }

        context.Request.Body = new LimitedStream(context.Request.Body, limit.MaxBytes);
        await next(context);
    }

    private static string TooLarge(long maxBytes) =>
        $"The request body is larger than this endpoint's limit of {maxBytes} bytes.";

    // Reads at most one byte past the limit, then fails the request with a 413 (the exception handler's problem).
    private sealed class LimitedStream(Stream inner, long maxBytes) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(
            Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken);
            return Count(read);
        }

        public override Task<int> ReadAsync(
            byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) =>
            Count(inner.Read(buffer, offset, Allowed(count)));

        private int Allowed(int wanted) => (int)Math.Min(wanted, maxBytes - _read + 1);

        private int Count(int read)
        {
            _read += read;
            return _read > maxBytes
                ? throw new BadHttpRequestException(TooLarge(maxBytes), StatusCodes.Status413PayloadTooLarge)
                : read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
