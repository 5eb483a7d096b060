using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Data;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Communique.Video;

// What a recipient's video address opens, without an account: the player page of /v/{key}/{uuid}, which carries the
// record's plan so that player.js draws the personalised layers over the shared background from the first frame;
// the background itself (HTTP Range), the captions, the images the plan names, the fonts, and the events the player
// posts with the session token the page was given. An address that names nothing, or a record of another team,
// answers one neutral page that says nothing about anyone.
public static class VideoPlayerApi
{
    public const int MaxEventsPerPost = 50;
    public const int MaxEventBytes = 16 * 1024;

    public static readonly string[] EventKinds =
        ["impression", "play", "pause", "seek", "progress-25", "progress-50", "progress-75", "complete", "cta"];

    private static readonly PlayerFile Script = PlayerFile.Read("Video.Player.player.js", "text/javascript");
    private static readonly PlayerFile Style = PlayerFile.Read("Video.Player.player.css", "text/css");

    public static RouteGroupBuilder MapVideoPlayer(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var player = app.MapGroup("/player").WithTags("Video player").WithGroupName("video-delivery-player")
            .AllowAnonymous();
        player.MapGet("/player.js", (HttpResponse response) => Script.Serve(response))
            .WithSummary("The player's script, which draws a record's layers over the shared background.");
        player.MapGet("/player.css", (HttpResponse response) => Style.Serve(response))
            .WithSummary("The player page's style.");
        player.MapGet("/fonts/{font}.ttf", Font)
            .WithSummary("A bundled font the player draws text with (the renderer draws with the same files).");

        var group = app.MapGroup("/v").WithTags("Video player").WithGroupName("video-delivery-player")
            .AllowAnonymous();
        group.MapGet("/{key}/{uuid}", Page)
            .WithSummary("A recipient's player page (videoUrl followed by the record's uuid); with ?download, a "
                + "redirect to the record's rendered MP4.");
        group.MapGet("/{key}/{uuid}/captions.vtt", Captions)
            .WithSummary("The record's captions (WebVTT).");
        group.MapMethods("/{key}/background.mp4", ["GET", "HEAD"], Background)
            .WithSummary("The communication's shared background video, with HTTP Range; 503 with Retry-After while "
                + "it is being rendered.");
        group.MapGet("/{key}/assets/{assetId:guid}", Asset)
            .WithSummary("An image of the asset library that the communication's video draws.");
        group.MapPost("/{key}/{uuid}/events", Events).WithBodyLimit(MaxEventBytes)
            .Accepts<EventBatch>("application/json")
            .WithSummary($"What the viewer did (up to {MaxEventsPerPost} events a post), with the session token of "
                + "the page; answered before they are written.");
        return group;
    }

    // Every response under /v and /player, set when the response starts so that error responses carry them too: no
    // request may leave for another origin, and the page may be framed where the embed code is placed.
    public static IApplicationBuilder UseVideoPlayerHeaders(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var policy = ContentSecurityPolicy(
            app.ApplicationServices.GetRequiredService<IOptions<VideoOptions>>().Value.FrameAncestors);
        return app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/v", StringComparison.OrdinalIgnoreCase)
                || context.Request.Path.StartsWithSegments("/player", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.OnStarting(state =>
                {
                    var headers = ((HttpResponse)state).Headers;
                    headers.ContentSecurityPolicy = policy;
                    headers["Referrer-Policy"] = "no-referrer";
                    headers.XContentTypeOptions = "nosniff";
                    return Task.CompletedTask;
                }, context.Response);
            }

            return next(context);
        });
    }

    public static string ContentSecurityPolicy(IEnumerable<string> frameAncestors) =>
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; "
        + "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors "
        + (frameAncestors.Any() ? string.Join(' ', frameAncestors) : "*");

    public sealed record EventBatch(
        [property: MaxLength(64)] string? Token, [property: MaxLength(MaxEventsPerPost)] List<PlayerEvent>? Events);

    // Button: for a cta, the index of the button in the plan.
    public sealed record PlayerEvent([property: MaxLength(16)] string? Kind, double? Position, int? Button);

    private static async Task<Results<ContentHttpResult, RedirectHttpResult>> Page(
        string key, string uuid, AppDb db, TenantContext tenant, VideoTemplates templates, VideoPlanner planner,
        VideoSessions sessions, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var (view, recordUuid) = await OpenAsync(key, uuid, db, tenant, templates, planner, cancellationToken);
        // The page is one person's: no shared cache keeps it.
        response.Headers.CacheControl = "no-store";
        if (view is null)
        {
            return NotFoundPage();
        }

        if (request.Query.ContainsKey("download"))
        {
            return TypedResults.Redirect($"/v/{view.Link.Key}/{recordUuid}/video.mp4?download");
        }

        var (_, token) = sessions.Issue(view.Link.Key, recordUuid);
        return TypedResults.Text(VideoPlayerPage.Html(view, recordUuid, token), "text/html; charset=utf-8");
    }

    private static async Task<ContentHttpResult> Captions(
        string key, string uuid, AppDb db, TenantContext tenant, VideoTemplates templates, VideoPlanner planner,
        HttpResponse response, CancellationToken cancellationToken)
    {
        var (view, _) = await OpenAsync(key, uuid, db, tenant, templates, planner, cancellationToken);
        response.Headers.CacheControl = "no-store";
        return view is null ? NotFoundPage() : TypedResults.Text(Vtt(view.Plan), "text/vtt; charset=utf-8");
    }

    public static string Vtt(VideoPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var vtt = new StringBuilder("WEBVTT\n");
        foreach (var caption in plan.Captions)
        {
            vtt.Append('\n').Append(Time(caption.Start)).Append(" --> ").Append(Time(caption.End)).Append('\n')
                .Append(caption.Text.Replace("&", "&amp;", StringComparison.Ordinal)
                    .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
                    // A blank line would end the cue.
                    .Replace("\r", "", StringComparison.Ordinal).Replace("\n\n", "\n", StringComparison.Ordinal))
                .Append('\n');
        }

        return vtt.ToString();
    }

    private static string Time(double seconds)
    {
        var t = TimeSpan.FromMilliseconds(Math.Round(Math.Max(0, seconds) * 1000));
        return string.Create(CultureInfo.InvariantCulture,
            $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}.{t.Milliseconds:000}");
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Background(
        string key, AppDb db, TenantContext tenant, VideoTemplates templates, VideoPlanner planner, IBlobStore blobs,
        HttpResponse response, CancellationToken cancellationToken)
    {
        var template = await TemplateAsync(key, db, tenant, templates, cancellationToken);
        var render = template is null
            ? null : await VideoRenders.EnsureBackgroundAsync(db, planner, template, cancellationToken);
        if (render is null)
        {
            return Problems.NotFound("video");
        }

        if (render is not { State: VideoRenderState.Ready, VideoHash: { } hash })
        {
            return Problems.NotReady(response, 2, "The video is being prepared.");
        }

        var stream = await blobs.OpenReadAsync(hash, cancellationToken);
        if (stream is null)
        {
            return Problems.NotFound("video");
        }

        response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.File(stream, "video/mp4", entityTag: new EntityTagHeaderValue($"\"{hash}\""),
            enableRangeProcessing: true);
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Asset(
        string key, Guid assetId, AppDb db, TenantContext tenant, VideoTemplates templates, IBlobStore blobs,
        CancellationToken cancellationToken)
    {
        var template = await TemplateAsync(key, db, tenant, templates, cancellationToken);
        var asset = template is null || !template.Assets.Values.Contains(assetId)
            ? null
            : await db.Assets.AsNoTracking().FirstOrDefaultAsync(
                a => a.Id == assetId && a.Kind == AssetKind.Image, cancellationToken);
        var stream = asset is null ? null : await blobs.OpenReadAsync(asset.Hash, cancellationToken);
        if (stream is null)
        {
            return Problems.NotFound("image");
        }

        return TypedResults.File(stream, asset!.ContentType, entityTag: new EntityTagHeaderValue($"\"{asset.Hash}\""));
    }

    private static Results<FileContentHttpResult, ProblemHttpResult> Font(string font, HttpResponse response)
    {
        if (VideoFonts.File(font) is not { } data)
        {
            return Problems.NotFound("font");
        }

        // A key names one file for good: browsers keep it.
        response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.Bytes(data, "font/ttf");
    }

    private static async Task<Results<Accepted, ProblemHttpResult, ValidationProblem>> Events(
        string key, string uuid, EventBatch body, AppDb db, VideoSessions sessions, VideoEventIntake queue,
        TimeProvider clock, HttpContext context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(uuid, out var recordUuid)
            || !sessions.TryRead(key, recordUuid, body.Token, out var session))
        {
            return Problems.Forbidden("The session token is not one this player page was given.");
        }

        var events = body.Events ?? [];
        if (events.Count is 0 or > MaxEventsPerPost)
        {
            return Problems.Invalid("events", $"Between 1 and {MaxEventsPerPost} events a post.");
        }

        for (var i = 0; i < events.Count; i++)
        {
            if (!EventKinds.Contains(events[i].Kind, StringComparer.Ordinal))
            {
                return Problems.Invalid($"events[{i}].kind", $"One of {string.Join(", ", EventKinds)}.");
            }

            if (events[i] is { Kind: "cta", Button: not (>= 0 and < VideoContents.MaxCtas) })
            {
                return Problems.Invalid($"events[{i}].button", "A cta event names its button's index.");
            }
        }

        var address = context.Connection.RemoteIpAddress?.ToString() ?? "";
        if (!queue.Allow(session, address, events.Count))
        {
            return Problems.RateLimited(context.Response, 60, "This viewer has sent too many events.");
        }

        // The link is looked up after the token: a forged post costs no query.
        var link = await db.VideoLinks.IgnoreQueryFilters().AsNoTracking().Where(l => l.Key == key)
            .Select(l => new { l.TeamId, l.CommunicationId }).FirstOrDefaultAsync(cancellationToken);
        if (link is null)
        {
            return Problems.Forbidden("The session token is not one this player page was given.");
        }

        var at = clock.GetUtcNow().UtcDateTime;
        var accepted = events.Select(e => new VideoEvent
        {
            TeamId = link.TeamId, CommunicationId = link.CommunicationId, RecordUuid = recordUuid, Session = session,
            Kind = e.Kind!, Position = double.IsFinite(e.Position ?? 0)
                ? Math.Clamp(e.Position ?? 0, 0, VideoContents.MaxSeconds) : 0,
            At = at,
        }).ToList();
        if (!queue.TryAdd(accepted))
        {
            queue.Refund(session, accepted.Count);
            return queue.Stopping
                ? Problems.Stopping(context.Response)
                : Problems.NotReady(context.Response, 5, "Too many events are waiting to be written; send them again.");
        }

        return TypedResults.Accepted((string?)null);
    }

    private static async Task<(VideoView? View, Guid Uuid)> OpenAsync(
        string key, string uuid, AppDb db, TenantContext tenant, VideoTemplates templates, VideoPlanner planner,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(uuid, out var recordUuid))
        {
            return (null, Guid.Empty);
        }

        var (view, _) = await VideoViews.OpenAsync(db, tenant, templates, planner, key, recordUuid,
            cancellationToken);
        return (view, recordUuid);
    }

    private static async Task<VideoTemplate?> TemplateAsync(
        string key, AppDb db, TenantContext tenant, VideoTemplates templates, CancellationToken cancellationToken)
    {
        if (key.Length is 0 or > 32)
        {
            return null;
        }

        var link = await db.VideoLinks.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(l => l.Key == key, cancellationToken);
        if (link is null)
        {
            return null;
        }

        tenant.EnterTeam(link.TeamId);
        return await templates.CurrentAsync(db, link.CommunicationId, cancellationToken);
    }

    private static ContentHttpResult NotFoundPage() => TypedResults.Content("""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Video not found</title></head>
        <body><main><h1>Video not found</h1><p>There is no video at this address. Check that the link is complete.</p>
        </main></body></html>
        """, "text/html; charset=utf-8", Encoding.UTF8, (int)HttpStatusCode.NotFound);

    // A static file of the player, embedded in the assembly and read once; its ETag is a hash of its bytes, so a
    // browser's copy is checked again after a few minutes and fetched again only when an upgrade changed it.
    private sealed record PlayerFile(byte[] Bytes, string ContentType, EntityTagHeaderValue Tag)
    {
        public static PlayerFile Read(string name, string contentType)
        {
            using var stream = typeof(VideoPlayerApi).Assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"{name} is not embedded in the assembly.");
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            var data = bytes.ToArray();
            return new PlayerFile(data, contentType + "; charset=utf-8",
                new EntityTagHeaderValue($"\"{Base64Url.EncodeToString(SHA256.HashData(data).AsSpan(0, 16))}\""));
        }

        public FileContentHttpResult Serve(HttpResponse response)
        {
            response.Headers.CacheControl = "public, max-age=300";
            return TypedResults.Bytes(Bytes, ContentType, entityTag: Tag);
        }
    }
}
