namespace Communique.Http;

// Every response carries X-Request-Id; a well-formed incoming id is kept so callers can correlate.
public static class RequestIds
{
    public const string Header = "X-Request-Id";

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app)
    {
        var log = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Communique.Http.Requests");
        return app.Use(async (context, next) =>
        {
            var incoming = context.Request.Headers[Header].ToString();
            if (!IsAcceptable(incoming))
            {
                context.Response.Headers[Header] = context.TraceIdentifier;
                await next(context);
                return;
            }

            // The host's own log scope already carries the generated id; a caller's id needs a scope of its own.
            context.TraceIdentifier = incoming;
            context.Response.Headers[Header] = incoming;
            using (log.BeginScope(new Dictionary<string, object> { ["CallerRequestId"] = incoming }))
            {
                await next(context);
            }
        });
    }

    private static bool IsAcceptable(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
