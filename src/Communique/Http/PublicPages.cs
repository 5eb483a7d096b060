namespace Communique.Http;

// The few pages of the Public API that people open from an email (sender verification, unsubscribe): plain HTML that
// works without script, one heading, the body given (already HTML-encoded by the caller).
public static class PublicPages
{
    // A page's form (a token, a few categories) is small; a larger body is refused before it is read.
    public const int MaxFormBytes = 64 * 1024;

    // What the pages need and nothing else: no script, style, image or frame of any origin; forms post back to the
    // page's own origin; no page may be framed (clickjacking a one-button confirmation). The URL of every public
    // response carries a token, so no referrer leaves with the links a page or a click redirect leads to.
    public const string ContentSecurityPolicy =
        "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IResult Page(int status, string title, string body) => Results.Content($"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{title}</title></head>
        <body><main><h1>{title}</h1>{body}</main></body></html>
        """, "text/html; charset=utf-8", statusCode: status);

    // Every response under /public (pages, the pixel, the click redirect, the webhook), set when the response starts
    // so that error responses, which clear the headers a handler set, carry them too.
    public static IApplicationBuilder UsePublicPageHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/public", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.OnStarting(static state =>
            {
                var headers = ((HttpResponse)state).Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XContentTypeOptions = "nosniff";
                return Task.CompletedTask;
            }, context.Response);
        }

        return next(context);
    });
}
