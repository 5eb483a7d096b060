using System.Net;
using Communique.Auth;
using Communique.Communications;
using Communique.Data;
using Communique.Email;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Communique.Video;

// A team's view of its video communications' delivery: the address a recipient's uuid is appended to (in
// EngageOne's shape, by project and communication name), an embed code, and what viewers did.
public static class VideoApi
{
    public static RouteGroupBuilder MapVideo(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("").WithTags("Video").WithGroupName("video-channel").RequireTeamCaller();
        group.MapGet("/data/projects/{projectName}/communications/{communicationName}/videoUrl", VideoUrl)
            .RequireAccess(Area.Communications, Access.View)
            .WithSummary("The video communication's player address (EngageOne-compatible): a recipient's "
                + "personalised address is this string followed by the record's uuid.");
        group.MapGet("/video/communications/{id:guid}/link", Link).RequireAccess(Area.Communications, Access.View)
            .WithSummary("The player address and, for a record's uuid, its address and an <iframe> embed code.");
        group.MapGet("/video/communications/{id:guid}/analytics", Analytics)
            .RequireAccess(Area.Reporting, Access.View)
            .WithSummary("Impressions, views, unique viewers, average watched, the drop-off curve and CTA clicks.");
        group.MapGet("/video/communications/{id:guid}/analytics/recipients", Recipients)
            .RequireAccess(Area.Reporting, Access.View)
            .WithSummary("Per recipient (record uuid): sessions, plays, furthest point watched, completion, CTA "
                + "clicks; paged with limit and cursor.");
        group.MapGet("/video/communications/{id:guid}/analytics/recipients/{uuid:guid}", Recipient)
            .RequireAccess(Area.Reporting, Access.View)
            .WithSummary("One recipient's viewing.");
        return group;
    }

    public sealed record VideoUrlResponse(string VideoUrl);

    public sealed record LinkResponse(string VideoUrl, string? RecipientUrl, string? EmbedCode);

    private static async Task<Results<Ok<VideoUrlResponse>, ProblemHttpResult>> VideoUrl(
        string projectName, string communicationName, AppDb db, IOptions<MailOptions> mail,
        CancellationToken cancellationToken)
    {
        var id = await (
                from c in db.Communications.AsNoTracking()
                join p in db.Projects.AsNoTracking() on c.ProjectId equals p.Id
                where p.Name == projectName && c.Name == communicationName && c.Channel == Channel.Video
                select (Guid?)c.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (id is not { } communicationId)
        {
            return Problems.NotFound("video communication");
        }

        var link = await VideoLinks.EnsureAsync(db, communicationId, cancellationToken);
        return TypedResults.Ok(new VideoUrlResponse(Address(mail.Value, link)));
    }

    private static async Task<Results<Ok<LinkResponse>, ProblemHttpResult>> Link(
        Guid id, Guid? uuid, AppDb db, IOptions<MailOptions> mail, CancellationToken cancellationToken)
    {
        if (!await IsVideoAsync(db, id, cancellationToken))
        {
            return Problems.NotFound("video communication");
        }

        var link = await VideoLinks.EnsureAsync(db, id, cancellationToken);
        var address = Address(mail.Value, link);
        if (uuid is not { } record)
        {
            return TypedResults.Ok(new LinkResponse(address, null, null));
        }

        var content = await db.Communications.AsNoTracking().Where(c => c.Id == id).Select(c => c.Content)
            .FirstAsync(cancellationToken);
        var video = VideoContents.Read(content);
        return TypedResults.Ok(new LinkResponse(address, address + record,
            EmbedCode(address + record, video.Width, video.Height)));
    }

    // A frame that keeps the video's aspect ratio at any width (the padding trick works in every mail client's and
    // CMS's sanitiser, where aspect-ratio may be stripped).
    public static string EmbedCode(string url, int width, int height)
    {
        var ratio = (100.0 * height / width).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
        var src = WebUtility.HtmlEncode(url);
        return $"<div style=\"position:relative;width:100%;padding-top:{ratio}%\">"
            + $"<iframe src=\"{src}\" title=\"Your personalised video\" allow=\"fullscreen; autoplay\" "
            + "allowfullscreen loading=\"lazy\" style=\"position:absolute;inset:0;width:100%;height:100%;border:0\">"
            + "</iframe></div>";
    }

    private static async Task<Results<Ok<VideoAnalytics.Summary>, ProblemHttpResult>> Analytics(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        if (await DurationAsync(db, id, cancellationToken) is not { } duration)
        {
            return Problems.NotFound("video communication");
        }

        return TypedResults.Ok(await VideoAnalytics.SummarizeAsync(db, id, duration, cancellationToken));
    }

    private static async Task<Results<Ok<Page<VideoAnalytics.RecipientViewing>>, ValidationProblem,
        ProblemHttpResult>> Recipients(
        Guid id, int? limit, string? cursor, AppDb db, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        if (await DurationAsync(db, id, cancellationToken) is not { } duration)
        {
            return Problems.NotFound("video communication");
        }

        var rows = await VideoAnalytics.RecipientsAsync(db, id, duration, null, after, take + 1, cancellationToken);
        return TypedResults.Ok(Paging.Build(rows, take, r => r.Uuid));
    }

    private static async Task<Results<Ok<VideoAnalytics.RecipientViewing>, ProblemHttpResult>> Recipient(
        Guid id, Guid uuid, AppDb db, CancellationToken cancellationToken)
    {
        if (await DurationAsync(db, id, cancellationToken) is not { } duration)
        {
            return Problems.NotFound("video communication");
        }

        var rows = await VideoAnalytics.RecipientsAsync(db, id, duration, uuid, null, 1, cancellationToken);
        return rows.Count == 0 ? Problems.NotFound("viewer") : TypedResults.Ok(rows[0]);
    }

    private static string Address(MailOptions mail, VideoLink link) => mail.Link($"/v/{link.Key}/");

    private static Task<bool> IsVideoAsync(AppDb db, Guid id, CancellationToken cancellationToken) =>
        db.Communications.AsNoTracking().AnyAsync(c => c.Id == id && c.Channel == Channel.Video, cancellationToken);

    // The current version's length in seconds, or null for no video communication of the team.
    private static async Task<double?> DurationAsync(AppDb db, Guid id, CancellationToken cancellationToken)
    {
        var content = await db.Communications.AsNoTracking()
            .Where(c => c.Id == id && c.Channel == Channel.Video).Select(c => c.Content)
            .FirstOrDefaultAsync(cancellationToken);
        return content is null ? null : (VideoContents.Read(content).Scenes ?? []).Sum(s => s.Duration);
    }
}
