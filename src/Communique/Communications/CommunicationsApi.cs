using System.Text.Json;
using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Communique.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Communications;

public static class CommunicationsApi
{
    public static RouteGroupBuilder MapCommunications(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Communications").WithGroupName("private").RequireTeamCaller();
        group.MapGet("/projects/{projectId:guid}/communications", List).RequireAccess(Area.Communications, Access.View)
            .WithSummary("The communications of a project.");
        group.MapPost("/projects/{projectId:guid}/communications", Create)
            .RequireAccess(Area.CreateCommunication, Access.Edit)
            .WithSummary("Create a communication, empty or copied from a template.");
        group.MapGet("/communications/{id:guid}", Get).RequireAccess(Area.Communications, Access.View)
            .WithSummary("One communication with its current content; the ETag names its version.");
        group.MapPut("/communications/{id:guid}", Update).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Change name and/or content (If-Match: the ETag read); every change is a new version.");
        group.MapDelete("/communications/{id:guid}", Delete).RequireAccess(Area.Communications, Access.Edit)
            .WithSummary("Delete a communication and its versions.");
        group.MapPost("/communications/{id:guid}/preview", Preview).RequireAccess(Area.Communications, Access.View)
            .WithSummary("Render an email communication for one record: a data source record by uuid, "
                + "or a record given inline.");
        group.MapGet("/communications/{id:guid}/versions", Versions).RequireAccess(Area.Communications, Access.View)
            .WithSummary("Every version, newest first.");
        group.MapGet("/communications/{id:guid}/versions/{number:int}", Version)
            .RequireAccess(Area.Communications, Access.View)
            .WithSummary("One version as it was saved.");
        group.MapGet("/communications/{id:guid}/versions/{number:int}/changes", Changes)
            .RequireAccess(Area.Communications, Access.View)
            .WithSummary("What this version changed compared with the one before it.");
        return group;
    }

    private static async Task<Results<Ok<Page<CommunicationSummary>>, ValidationProblem, ProblemHttpResult>> List(
        Guid projectId, AppDb db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        if (!await db.Projects.AnyAsync(p => p.Id == projectId, cancellationToken))
        {
            return Problems.NotFound("project");
        }

        var rows = await db.Communications.AsNoTracking()
            .Where(c => c.ProjectId == projectId && (after == null || c.Id.CompareTo(after.Value) > 0))
            .OrderBy(c => c.Id).Take(take + 1)
            .Select(c => new CommunicationSummary(c.Id, c.Name, c.Channel.ToString(), c.Version, c.UpdatedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(
            rows.Select(r => r with { Channel = r.Channel.ToLowerInvariant() }).ToList(), take, r => r.Id));
    }

    private static async Task<Results<Ok<CommunicationResponse>, ProblemHttpResult>> Get(
        Guid id, AppDb db, HttpResponse response, CancellationToken cancellationToken)
    {
        var communication = await db.Communications.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (communication is null)
        {
            return Problems.NotFound("communication");
        }

        ETags.Set(response, communication.Version);
        return TypedResults.Ok(CommunicationResponse.From(communication));
    }

    private static async Task<Results<Created<CommunicationResponse>, ValidationProblem, ProblemHttpResult>> Create(
        Guid projectId, CreateCommunicationRequest request, AppDb db, TenantContext tenant, TemplateSyntax syntax,
        HttpResponse response, CancellationToken cancellationToken)
    {
        if (!TryChannel(request.Channel, out var channel))
        {
            return Problems.Invalid("channel", "Must be one of: email, document, chat, video, push.");
        }

        if (!await db.Projects.AnyAsync(p => p.Id == projectId, cancellationToken))
        {
            return Problems.NotFound("project");
        }

        string content;
        Guid? assetFolder = null;
        if (request.TemplateId is { } templateId)
        {
            if (request.Content is not null)
            {
                return Problems.Invalid("content", "Give either content or templateId, not both.");
            }

            var template = await db.Templates.AsNoTracking()
                .FirstOrDefaultAsync(t => t.Id == templateId, cancellationToken);
            if (template is null)
            {
                return Problems.Invalid("templateId", "No template of this team has this id.");
            }

            if (template.Channel != channel)
            {
                return Problems.Invalid("templateId",
                    $"The template is for the {template.Channel.ToString().ToLowerInvariant()} channel.");
            }

            // A copy, assets included: later edits of the template leave this communication alone.
            content = template.Content;
            if (template.AssetFolderId is { } folder
                && await db.AssetFolders.AnyAsync(f => f.Id == folder, cancellationToken))
            {
                assetFolder = (await Assets.AssetFolders.CopyAsync(db, folder, $"{request.Name!.Trim()} assets",
                    cancellationToken)).Id;
            }
        }
        else if (request.Content is { } given)
        {
            if (!ChannelContents.TryNormalize(channel, given, syntax.Check, out content, out var errors))
            {
                return Problems.Invalid(errors);
            }

            if (await ChannelContents.CheckReferencesAsync(db, channel, content, null, cancellationToken)
                is { Count: > 0 } unknown)
            {
                return Problems.Invalid(unknown);
            }
        }
        else
        {
            content = ChannelContents.Empty(channel);
        }

        var now = db.Now;
        var communication = new Communication
        {
            ProjectId = projectId,
            Name = request.Name!.Trim(),
            Channel = channel,
            Content = content,
            Version = 1,
            TemplateId = request.TemplateId,
            AssetFolderId = assetFolder,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Communications.Add(communication);
        db.CommunicationVersions.Add(Snapshot(communication, tenant,
            request.TemplateId is null ? "created" : "created-from-template", now));
        if (!await db.SaveUniqueAsync(cancellationToken))
        {
            return Problems.Conflict($"The project already has a communication named '{communication.Name}'.");
        }

        ETags.Set(response, communication.Version);
        return TypedResults.Created($"/communications/{communication.Id}", CommunicationResponse.From(communication));
    }

    private static async Task<Results<Ok<CommunicationResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, UpdateCommunicationRequest request, AppDb db, TenantContext tenant, TemplateSyntax syntax,
        HttpRequest http, HttpResponse response, CancellationToken cancellationToken)
    {
        var communication = await db.Communications.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (communication is null)
        {
            return Problems.NotFound("communication");
        }

        if (!ETags.IfMatchAllows(http, communication.Version))
        {
            return ETags.Stale(communication.Version);
        }

        if (request.Name is null && request.Content is null)
        {
            return Problems.Invalid("content", "Give a new name, new content, or both.");
        }

        var content = communication.Content;
        if (request.Content is { } given
            && !ChannelContents.TryNormalize(communication.Channel, given, syntax.Check, out content, out var errors))
        {
            return Problems.Invalid(errors);
        }

        if (request.Content is not null && await ChannelContents.CheckReferencesAsync(db, communication.Channel,
                content, communication.AssetFolderId, cancellationToken) is { Count: > 0 } unknown)
        {
            return Problems.Invalid(unknown);
        }

        var name = request.Name?.Trim() ?? communication.Name;
        if (name == communication.Name && content == communication.Content)
        {
            ETags.Set(response, communication.Version);
            return TypedResults.Ok(CommunicationResponse.From(communication));
        }

        var now = db.Now;
        var change = name != communication.Name
            ? (content != communication.Content ? "renamed-and-edited" : "renamed")
            : "edited";
        communication.Name = name;
        communication.Content = content;
        communication.Version++;
        communication.UpdatedAt = now;
        db.CommunicationVersions.Add(Snapshot(communication, tenant, change, now));
        try
        {
            if (!await db.SaveUniqueAsync(cancellationToken))
            {
                return Problems.Conflict($"The project already has a communication named '{name}'.");
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another writer saved a version between our read and our write.
            var current = await db.Communications.AsNoTracking().Where(c => c.Id == id).Select(c => c.Version)
                .FirstOrDefaultAsync(cancellationToken);
            return ETags.Stale(current);
        }

        ETags.Set(response, communication.Version);
        return TypedResults.Ok(CommunicationResponse.From(communication));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, AppDb db, HttpRequest http, IEnumerable<ICommunicationUsage> usages,
        CancellationToken cancellationToken)
    {
        var version = await db.Communications.Where(c => c.Id == id).Select(c => (int?)c.Version)
            .FirstOrDefaultAsync(cancellationToken);
        if (version is null)
        {
            return Problems.NotFound("communication");
        }

        if (!ETags.IfMatchAllows(http, version.Value))
        {
            return ETags.Stale(version.Value);
        }

        foreach (var usage in usages)
        {
            if (await usage.BlockingUseAsync(db, id, cancellationToken) is { } reason)
            {
                return Problems.Conflict(reason);
            }
        }

        // Its versions go with it, by the foreign key's cascade, in the same statement.
        await db.Communications.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<EmailPreviewResponse>, ValidationProblem, ProblemHttpResult>> Preview(
        Guid id, PreviewRequest request, AppDb db, Rendering.LiquidTemplates liquid,
        CancellationToken cancellationToken)
    {
        var communication = await db.Communications.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (communication is null)
        {
            return Problems.NotFound("communication");
        }

        if (communication.Channel != Channel.Email)
        {
            return Problems.Invalid("communication", "Preview renders email communications.");
        }

        var (found, field, error) = await DataSources.RecordLookup.FindAsync(
            db, request.Record, request.DataSourceId, request.Uuid, request.Locale, cancellationToken);
        if (found is null)
        {
            return Problems.Invalid(field!, error!);
        }

        var locale = found.Locale;
        if (!DataSources.RecordLookup.TryCulture(locale, out var culture))
        {
            return Problems.Invalid("locale", $"'{locale}' is not a known locale.");
        }

        var (record, formats) = (found.Values, found.Formats);
        var email = JsonSerializer.Deserialize<EmailContent>(communication.Content, JsonSerializerOptions.Web)!;
        var (preview, failure, part) = await Email.Compose.EmailRenderer.RenderAsync(
            liquid, email, record, culture, formats, request.IgnoreMissingFields, cancellationToken);
        if (failure is not null)
        {
            return failure.Kind == Rendering.RenderFailureKind.MissingField
                ? Problems.Invalid($"record.{failure.Field}",
                    $"The {part} uses the field '{failure.Field}', which the record does not have.")
                : TypedResults.Problem($"The {part} could not be rendered: {failure.Message}", statusCode: 422,
                    title: "Rendering failed", type: ProblemTypes.RenderFailed);
        }

        return TypedResults.Ok(EmailPreviewResponse.From(preview!));
    }

    private static async Task<Results<Ok<List<VersionSummary>>, ProblemHttpResult>> Versions(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var versions = await db.CommunicationVersions.AsNoTracking()
            .Where(v => v.CommunicationId == id).OrderByDescending(v => v.Number)
            .Select(v => new VersionSummary(v.Number, v.Name, v.Author, v.Change, v.CreatedAt))
            .ToListAsync(cancellationToken);
        return versions.Count == 0 ? Problems.NotFound("communication") : TypedResults.Ok(versions);
    }

    private static async Task<Results<Ok<VersionResponse>, ProblemHttpResult>> Version(
        Guid id, int number, AppDb db, CancellationToken cancellationToken)
    {
        var v = await db.CommunicationVersions.AsNoTracking()
            .FirstOrDefaultAsync(v => v.CommunicationId == id && v.Number == number, cancellationToken);
        return v is null
            ? Problems.NotFound("version")
            : TypedResults.Ok(new VersionResponse(v.Number, v.Name, v.Author, v.Change, v.CreatedAt,
                ChannelContents.Parse(v.Content)));
    }

    private static async Task<Results<Ok<VersionComparison>, ProblemHttpResult>> Changes(
        Guid id, int number, AppDb db, CancellationToken cancellationToken)
    {
        var pair = await db.CommunicationVersions.AsNoTracking()
            .Where(v => v.CommunicationId == id && (v.Number == number || v.Number == number - 1))
            .ToListAsync(cancellationToken);
        var current = pair.FirstOrDefault(v => v.Number == number);
        if (current is null)
        {
            return Problems.NotFound("version");
        }

        var previous = pair.FirstOrDefault(v => v.Number == number - 1);
        var changes = ContentChanges.Between(
            previous is null ? ChannelContents.Parse("{}") : ChannelContents.Parse(previous.Content),
            ChannelContents.Parse(current.Content));
        return TypedResults.Ok(new VersionComparison(
            number, previous?.Number, previous is not null && previous.Name != current.Name, previous?.Name,
            current.Name, changes));
    }

    private static CommunicationVersion Snapshot(
        Communication c, TenantContext tenant, string change, DateTime now) => new()
    {
        CommunicationId = c.Id,
        Number = c.Version,
        Name = c.Name,
        Content = c.Content,
        Author = tenant.Caller is { } caller
            ? $"{caller.Kind.ToString().ToLowerInvariant()}:{caller.SubjectId}"
            : "system",
        Change = change,
        CreatedAt = now,
    };

    internal static bool TryChannel(string? name, out Channel channel) => WireNames.TryParse(name, out channel);
}
