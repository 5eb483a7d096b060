using Communique.Auth;
using Communique.Communications;
using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Templates;

public static class TemplatesApi
{
    public static RouteGroupBuilder MapTemplates(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/templates").WithTags("Templates").WithGroupName("private").RequireTeamCaller();
        group.MapGet("", List).RequireAccess(Area.Templates, Access.View)
            .WithSummary("The team's templates, optionally of one channel.");
        group.MapPost("", Create).RequireAccess(Area.Templates, Access.Edit).WithSummary("Create a template.");
        group.MapGet("/{id:guid}", Get).RequireAccess(Area.Templates, Access.View)
            .WithSummary("One template; the ETag names its version.");
        group.MapPut("/{id:guid}", Update).RequireAccess(Area.Templates, Access.Edit)
            .WithSummary("Change a template (If-Match: the ETag read). Communications made from it keep their copy.");
        group.MapDelete("/{id:guid}", Delete).RequireAccess(Area.Templates, Access.Edit)
            .WithSummary("Delete a template.");
        return group;
    }

    private static async Task<Results<Ok<Page<TemplateSummary>>, ValidationProblem>> List(
        AppDb db, string? channel, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        Channel? wanted = null;
        if (channel is not null)
        {
            if (!CommunicationsApi.TryChannel(channel, out var parsed))
            {
                return Problems.Invalid("channel", "Must be one of: email, document, chat, video, push.");
            }

            wanted = parsed;
        }

        var rows = await db.Templates.AsNoTracking()
            .Where(t => (wanted == null || t.Channel == wanted) && (after == null || t.Id.CompareTo(after.Value) > 0))
            .OrderBy(t => t.Id).Take(take + 1)
            .ToListAsync(cancellationToken);
        var items = rows.Select(t => new TemplateSummary(
            t.Id, t.Name, t.Channel.ToString().ToLowerInvariant(), t.Version, t.UpdatedAt)).ToList();
        return TypedResults.Ok(Paging.Build(items, take, t => t.Id));
    }

    private static async Task<Results<Ok<TemplateResponse>, ProblemHttpResult>> Get(
        Guid id, AppDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var template = await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (template is null)
        {
            return Problems.NotFound("template");
        }

        ETags.Set(response, template.Version);
        return TypedResults.Ok(TemplateResponse.From(template));
    }

    private static async Task<Results<Created<TemplateResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateTemplateRequest request, AppDb db, TemplateSyntax syntax, HttpResponse response,
        CancellationToken cancellationToken)
    {
        if (!CommunicationsApi.TryChannel(request.Channel, out var channel))
        {
            return Problems.Invalid("channel", "Must be one of: email, document, chat, video, push.");
        }

        var content = ChannelContents.Empty(channel);
        if (request.Content is { } given
            && !ChannelContents.TryNormalize(channel, given, syntax.Check, out content, out var errors))
        {
            return Problems.Invalid(errors);
        }

        if (request.AssetFolderId is { } folder
            && !await db.AssetFolders.AnyAsync(f => f.Id == folder, cancellationToken))
        {
            return Problems.Invalid("assetFolderId", "No folder of this team has this id.");
        }

        if (await ChannelContents.CheckReferencesAsync(db, channel, content, request.AssetFolderId,
                cancellationToken) is { Count: > 0 } unknown)
        {
            return Problems.Invalid(unknown);
        }

        var template = new Template
        {
            Name = request.Name!.Trim(),
            Channel = channel,
            Content = content,
            AssetFolderId = request.AssetFolderId,
            Version = 1,
            CreatedAt = db.Now,
            UpdatedAt = db.Now,
        };
        db.Templates.Add(template);
        if (!await db.SaveUniqueAsync(cancellationToken))
        {
            return Problems.Conflict($"The team already has a {request.Channel} template named '{template.Name}'.");
        }

        ETags.Set(response, template.Version);
        return TypedResults.Created($"/templates/{template.Id}", TemplateResponse.From(template));
    }

    private static async Task<Results<Ok<TemplateResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, UpdateTemplateRequest request, AppDb db, TemplateSyntax syntax, HttpRequest http,
        HttpResponse response, CancellationToken cancellationToken)
    {
        var template = await db.Templates.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (template is null)
        {
            return Problems.NotFound("template");
        }

        if (!ETags.IfMatchAllows(http, template.Version))
        {
            return ETags.Stale(template.Version);
        }

        var content = template.Content;
        if (request.Content is { } given
            && !ChannelContents.TryNormalize(template.Channel, given, syntax.Check, out content, out var errors))
        {
            return Problems.Invalid(errors);
        }

        if (request.AssetFolderId is { } folder)
        {
            if (!await db.AssetFolders.AnyAsync(f => f.Id == folder, cancellationToken))
            {
                return Problems.Invalid("assetFolderId", "No folder of this team has this id.");
            }

            template.AssetFolderId = folder;
        }

        if ((request.Content is not null || request.AssetFolderId is not null)
            && await ChannelContents.CheckReferencesAsync(db, template.Channel, content, template.AssetFolderId,
                cancellationToken) is { Count: > 0 } unknown)
        {
            return Problems.Invalid(unknown);
        }

        template.Name = request.Name?.Trim() ?? template.Name;
        template.Content = content;
        template.Version++;
        template.UpdatedAt = db.Now;
        try
        {
            if (!await db.SaveUniqueAsync(cancellationToken))
            {
                return Problems.Conflict($"The team already has a template named '{template.Name}'.");
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await db.Templates.AsNoTracking().Where(t => t.Id == id).Select(t => t.Version)
                .FirstOrDefaultAsync(cancellationToken);
            return ETags.Stale(current);
        }

        ETags.Set(response, template.Version);
        return TypedResults.Ok(TemplateResponse.From(template));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, AppDb db, HttpRequest http, CancellationToken cancellationToken)
    {
        var version = await db.Templates.Where(t => t.Id == id).Select(t => (int?)t.Version)
            .FirstOrDefaultAsync(cancellationToken);
        if (version is null)
        {
            return Problems.NotFound("template");
        }

        if (!ETags.IfMatchAllows(http, version.Value))
        {
            return ETags.Stale(version.Value);
        }

        await db.Templates.Where(t => t.Id == id).ExecuteDeleteAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
