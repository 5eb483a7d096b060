using System.Diagnostics;
using Communique.Assets.Storage;
using Communique.Data;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Communique.Video;

// A recipient's files, without an account, at the address of their video: the rendered MP4 (rendered when first
// asked for, served with HTTP Range, as an attachment with ?download), the poster an email embeds, and the images
// their record names, fetched by this server for the player. An unknown key or uuid, or a uuid of another team, is
// a plain 404 that says nothing of anyone's data.
public static class VideoFilesApi
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    public static RouteGroupBuilder MapVideoFiles(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v").WithTags("Video delivery").WithGroupName("video-delivery-player")
            .AllowAnonymous();
        group.MapGet("/{key}/{uuid:guid}/video.mp4", Video)
            .WithSummary("The recipient's video as an MP4 (HTTP Range supported; ?download to save it), rendered "
                + "when first asked for: 503 with Retry-After while it is being made.");
        group.MapGet("/{key}/{uuid:guid}/poster.jpg", Poster)
            .WithSummary("The recipient's poster with a play button, for an email to embed; made on first request.");
        group.MapGet("/{key}/{uuid:guid}/images/{layer:int}", Image)
            .WithSummary("The image of one of the recipient's image layers (by its index in the plan's layers).");
        return group;
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Video(
        string key, Guid uuid, AppDb db, TenantContext tenant, VideoTemplates templates, VideoPlanner planner,
        IBlobStore blobs, IOptions<VideoOptions> options, HttpContext http, CancellationToken cancellationToken)
    {
        var (view, _) = await VideoViews.OpenAsync(db, tenant, templates, planner, key, uuid, cancellationToken);
        if (view is null)
        {
            return Problems.NotFound("video");
        }

        var render = await VideoRenders.EnsureAsync(db, view.Template, view.Plan, uuid, cancellationToken);
        var waited = Stopwatch.StartNew();
        var (state, hash) = (render.State, render.VideoHash);
        while (state is VideoRenderState.Queued or VideoRenderState.Rendering
            && waited.Elapsed.TotalSeconds < options.Value.DownloadWaitSeconds)
        {
            // Wall time, not the injected clock: this waits for another process's work.
            await Task.Delay(Poll, cancellationToken);
            (state, hash) = await db.VideoRenders.AsNoTracking().Where(r => r.Id == render.Id)
                .Select(r => ValueTuple.Create(r.State, r.VideoHash)).FirstAsync(cancellationToken);
        }

        if (state == VideoRenderState.Failed)
        {
            return Problems.RenderFailed("The video could not be made.");
        }

        if (state != VideoRenderState.Ready || hash is null
            || await blobs.OpenReadAsync(hash, cancellationToken) is not { } stream)
        {
            return Problems.NotReady(http.Response, 5, "The video is being made. Ask again in a few seconds.");
        }

        var download = http.Request.Query.ContainsKey("download");
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.File(stream, "video/mp4", download ? "video.mp4" : null,
            entityTag: new EntityTagHeaderValue($"\"{hash}\""), enableRangeProcessing: true);
    }

    private static async Task<Results<FileStreamHttpResult, FileContentHttpResult, ProblemHttpResult>> Poster(
        string key, Guid uuid, AppDb db, TenantContext tenant, VideoTemplates templates, VideoPlanner planner,
        IBlobStore blobs, VideoRenderer renderer, IOptions<VideoOptions> options, HttpResponse response,
        CancellationToken cancellationToken)
    {
        var (view, _) = await VideoViews.OpenAsync(db, tenant, templates, planner, key, uuid, cancellationToken);
        if (view is null)
        {
            return Problems.NotFound("video");
        }

        VideoPosters.Poster poster;
        try
        {
            poster = await VideoPosters.EnsureAsync(db, blobs, renderer, view, uuid, cancellationToken);
        }
        catch (VideoRenderException)
        {
            return Problems.RenderFailed("The poster could not be made.");
        }

        response.Headers.CacheControl = $"public, max-age={options.Value.PosterMaxAgeSeconds}";
        var tag = new EntityTagHeaderValue($"\"{poster.Hash}\"");
        if (poster.Drawn is { } drawn)
        {
            return TypedResults.Bytes(drawn, "image/jpeg", entityTag: tag);
        }

        return await blobs.OpenReadAsync(poster.Hash, cancellationToken) is { } stream
            ? TypedResults.File(stream, "image/jpeg", entityTag: tag)
            : Problems.NotFound("video");
    }

    private static async Task<Results<FileStreamHttpResult, FileContentHttpResult, ProblemHttpResult>> Image(
        string key, Guid uuid, int layer, AppDb db, TenantContext tenant, VideoTemplates templates,
        VideoPlanner planner, IBlobStore blobs, VideoImages images, HttpResponse response,
        CancellationToken cancellationToken)
    {
        var (view, _) = await VideoViews.OpenAsync(db, tenant, templates, planner, key, uuid, cancellationToken);
        if (view is null || layer < 0 || layer >= view.Plan.Layers.Count || view.Plan.Layers[layer].Type != "image")
        {
            return Problems.NotFound("image");
        }

        response.Headers.CacheControl = "public, max-age=3600";
        var planned = view.Plan.Layers[layer];
        if (planned.Source is { } url)
        {
            var fetched = await images.FetchAsync(url, cancellationToken);
            return fetched.Bytes is { } bytes
                ? TypedResults.Bytes(bytes, fetched.ContentType)
                : Problems.NotFound("image");
        }

        var asset = await db.Assets.AsNoTracking().Where(a => a.Id == planned.Image)
            .Select(a => new { a.Hash, a.ContentType }).FirstOrDefaultAsync(cancellationToken);
        return asset is not null && await blobs.OpenReadAsync(asset.Hash, cancellationToken) is { } stream
            ? TypedResults.File(stream, asset.ContentType, entityTag: new EntityTagHeaderValue($"\"{asset.Hash}\""))
            : Problems.NotFound("image");
    }
}
