namespace Communique.Http;

// Every response carries X-Request-Id; a well-formed incoming id is kept so callers can correlate.
public static class RequestIds
{
    public const string Header = "X-Request-Id";

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var incoming = context.Request.Headers[Header].ToString();
        if (IsAcceptable(incoming))
        {
            context.TraceIdentifier = incoming;
        }

        context.Response.Headers[Header] = context.TraceIdentifier;
        return next(context);
    });

    private static bool IsAcceptable(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
