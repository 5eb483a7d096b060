using Communique.Email.Compose;

namespace Communique.Deliverability;

// The open pixel and the click redirect (Public API). Both answer from the signed token alone — no database read on
// the request's path — and queue their event for the recorder. A token we did not sign gets 404 and records nothing;
// a click goes only to the URL inside its own signed token, so there is no open redirect.
public static class TrackingEndpoints
{
    // A transparent 1×1 GIF.
    private static readonly byte[] Pixel = Convert.FromBase64String(
        "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public static RouteGroupBuilder MapTracking(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/public/t").WithTags("Tracking").WithGroupName("public").AllowAnonymous();
        group.MapGet("/o/{token}.gif", Open)
            .WithSummary("The open-tracking pixel of a message (a 1×1 GIF, never cached).");
        group.MapGet("/c/{token}", Click)
            .WithSummary("A tracked link: records the click and redirects (302) to the link's own address.");
        return group;
    }

    private static async Task<IResult> Open(
        string token, HttpContext context, MailTokens tokens, EventRecorder events, TimeProvider clock)
    {
        if (tokens.Read(token) is not { Kind: MailTokenKind.Open } open)
        {
            return Results.NotFound();
        }

        await RecordAsync(events, open, EventKind.Open, context, clock);
        context.Response.Headers.CacheControl = "no-store, no-cache, must-revalidate, private";
        context.Response.Headers.Pragma = "no-cache";
        return Results.Bytes(Pixel, "image/gif");
    }

    private static async Task<IResult> Click(
        string token, HttpContext context, MailTokens tokens, EventRecorder events, TimeProvider clock)
    {
        if (tokens.Read(token) is not { Kind: MailTokenKind.Click, Url: { } url } click
            || !Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https"))
        {
            return Results.NotFound();
        }

        await RecordAsync(events, click, EventKind.Click, context, clock);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(url);
    }

    private static ValueTask RecordAsync(
        EventRecorder events, MailToken token, EventKind kind, HttpContext context, TimeProvider clock)
    {
        var userAgent = context.Request.Headers.UserAgent.ToString();
        var (device, machine) = UserAgents.Classify(userAgent, kind);
        return events.RecordAsync(new MessageEvent
        {
            MessageId = token.MessageId, Kind = kind, At = clock.GetUtcNow().UtcDateTime, Device = device,
            Machine = machine,
            Url = token.Url is { Length: > 2048 } longUrl ? longUrl[..2048] : token.Url,
        });
    }
}
