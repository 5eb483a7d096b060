namespace Communique.Http;

// The few pages of the Public API that people open from an email (sender verification, unsubscribe): plain HTML that
// works without script, one heading, the body given (already HTML-encoded by the caller).
public static class PublicPages
{
    public static IResult Page(int status, string title, string body) => Results.Content($"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{title}</title></head>
        <body><main><h1>{title}</h1>{body}</main></body></html>
        """, "text/html; charset=utf-8", statusCode: status);
}
