using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Communique.Assets;

// The asset library: folders and files (images, attachments, fonts, design schemes, video, audio), checked by their
// bytes; video and audio also by ffprobe.
public static class AssetsApi
{
    public static RouteGroupBuilder MapAssets(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/assets").WithTags("Assets").WithGroupName("private").RequireTeamCaller();
        group.MapGet("/folders", Folders).RequireAccess(Area.Assets, Access.View)
            .WithSummary("Every folder of the library.");
        group.MapPost("/folders", CreateFolder).RequireAccess(Area.Assets, Access.Edit).WithSummary("Create a folder.");
        group.MapPatch("/folders/{id:guid}", UpdateFolder).RequireAccess(Area.Assets, Access.Edit)
            .WithSummary("Rename or move a folder.");
        group.MapDelete("/folders/{id:guid}", DeleteFolder).RequireAccess(Area.Assets, Access.Edit)
            .WithSummary("Delete an empty folder.");
        group.MapGet("", List).RequireAccess(Area.Assets, Access.View)
            .WithSummary("Files, optionally of one folder or kind.");
        group.MapPost("", Upload).RequireAccess(Area.Assets, Access.Edit).DisableAntiforgery()
            .WithSummary(
                "Upload a file: multipart/form-data with fields kind (image, attachment, font, design-scheme, video, "
                + "audio), optional folderId and name, then one file part. "
                + "The bytes must be what the part's Content-Type says; video and audio are probed with ffprobe.");
        group.MapGet("/{id:guid}", Get).RequireAccess(Area.Assets, Access.View).WithSummary("A file's metadata.");
        group.MapGet("/{id:guid}/content", Download).RequireAccess(Area.Assets, Access.View)
            .WithSummary("A file's bytes, with ETag and HTTP Range.");
        group.MapPatch("/{id:guid}", Update).RequireAccess(Area.Assets, Access.Edit)
            .WithSummary("Rename or move a file.");
        group.MapDelete("/{id:guid}", Delete).RequireAccess(Area.Assets, Access.Edit)
            .WithSummary("Delete a file (409 while a communication or template references it).");
        return group;
    }

    private static async Task<Ok<List<FolderResponse>>> Folders(AppDb db, CancellationToken cancellationToken) =>
        TypedResults.Ok(
            (await db.AssetFolders.AsNoTracking().OrderBy(f => f.Name).ToListAsync(cancellationToken))
            .Select(FolderResponse.From).ToList());

    private static async Task<Results<Created<FolderResponse>, ValidationProblem, ProblemHttpResult>> CreateFolder(
        CreateFolderRequest request, AppDb db, CancellationToken cancellationToken)
    {
        var parent = request.ParentId ?? Guid.Empty;
        if (parent != Guid.Empty && !await db.AssetFolders.AnyAsync(f => f.Id == parent, cancellationToken))
        {
            return Problems.Invalid("parentId", "No folder of this team has this id.");
        }

        var folder = new AssetFolder { ParentId = parent, Name = request.Name!.Trim(), CreatedAt = db.Now };
        db.AssetFolders.Add(folder);
        return await db.SaveUniqueAsync(cancellationToken)
            ? TypedResults.Created($"/assets/folders/{folder.Id}", FolderResponse.From(folder))
            : Problems.Conflict($"The folder already holds a folder named '{folder.Name}'.");
    }

    private static async Task<Results<Ok<FolderResponse>, ValidationProblem, ProblemHttpResult>> UpdateFolder(
        Guid id, UpdateFolderRequest request, AppDb db, CancellationToken cancellationToken)
    {
        var folder = await db.AssetFolders.FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (folder is null)
        {
            return Problems.NotFound("folder");
        }

        if (request.ParentId is { } parent || request.MoveToRoot)
        {
            var target = request.MoveToRoot ? Guid.Empty : request.ParentId!.Value;
            if (target != Guid.Empty && !await db.AssetFolders.AnyAsync(f => f.Id == target, cancellationToken))
            {
                return Problems.Invalid("parentId", "No folder of this team has this id.");
            }

            if (await IsWithinAsync(db, target, id, cancellationToken))
            {
                return Problems.Invalid("parentId", "A folder cannot move into itself or one of its subfolders.");
            }

            folder.ParentId = target;
        }

        folder.Name = request.Name?.Trim() ?? folder.Name;
        return await db.SaveUniqueAsync(cancellationToken)
            ? TypedResults.Ok(FolderResponse.From(folder))
            : Problems.Conflict($"The target folder already holds a folder named '{folder.Name}'.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteFolder(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        if (await db.AssetFolders.AnyAsync(f => f.ParentId == id, cancellationToken)
            || await db.Assets.AnyAsync(a => a.FolderId == id, cancellationToken))
        {
            return Problems.Conflict("The folder is not empty.");
        }

        return await db.AssetFolders.Where(f => f.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? Problems.NotFound("folder")
            : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Page<AssetResponse>>, ValidationProblem>> List(
        AppDb db, Guid? folderId, string? kind, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        AssetKind? wanted = null;
        if (kind is not null)
        {
            if (!TryKind(kind, out var parsed))
            {
                return Problems.Invalid("kind", $"Must be one of: {KindNames}.");
            }

            wanted = parsed;
        }

        var rows = await db.Assets.AsNoTracking()
            .Where(a => (folderId == null || a.FolderId == folderId) && (wanted == null || a.Kind == wanted)
                && (after == null || a.Id.CompareTo(after.Value) > 0))
            .OrderBy(a => a.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows.Select(AssetResponse.From).ToList(), take, a => a.Id));
    }

    private static async Task<Results<Ok<AssetResponse>, ProblemHttpResult>> Get(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        return asset is null ? Problems.NotFound("asset") : TypedResults.Ok(AssetResponse.From(asset));
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(
        Guid id, AppDb db, IBlobStore blobs, HttpResponse response, CancellationToken cancellationToken)
    {
        // Served as what the sniffer proved, never re-guessed by a browser.
        response.Headers.XContentTypeOptions = "nosniff";
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        var stream = asset is null ? null : await blobs.OpenReadAsync(asset.Hash, cancellationToken);
        if (asset is null || stream is null)
        {
            return Problems.NotFound("asset");
        }

        return TypedResults.Stream(
            stream, asset.ContentType, fileDownloadName: asset.Name, lastModified: asset.UpdatedAt,
            entityTag: new EntityTagHeaderValue($"\"{asset.Hash}\""), enableRangeProcessing: true);
    }

    private static async Task<Results<Created<AssetResponse>, ValidationProblem, ProblemHttpResult>> Upload(
        HttpRequest request, AppDb db, IBlobStore blobs, MediaProbe probe, IOptions<AssetOptions> options,
        CancellationToken cancellationToken)
    {
        // The kind, and so the limit that applies, is known only once the form is read: the request is held to the
        // larger limit, and the file to its kind's while it is read.
        var largest = Math.Max(options.Value.MaxBytes, options.Value.MaxMediaBytes);
        var (part, failure) = await MultipartUpload.FirstFileAsync(request, largest, cancellationToken);
        return failure switch
        {
            UploadFailure.TooLarge => Problems.TooLarge(largest),
            UploadFailure.NotMultipart => Problems.Invalid(
                "file", "Send multipart/form-data: fields kind, folderId and name, then one file part."),
            UploadFailure.NoFile => Problems.Invalid("file", "The upload has no file part."),
            UploadFailure.FileName => Problems.Invalid("file", SingleLine.Refusal("file name")),
            _ => await StoreAsync(
                part!.File, part.FileName, part.Fields, db, blobs, probe, options.Value, cancellationToken),
        };
    }

    private static async Task<Results<Created<AssetResponse>, ValidationProblem, ProblemHttpResult>> StoreAsync(
        MultipartSection section, string fileName, IReadOnlyDictionary<string, string> fields, AppDb db,
        IBlobStore blobs, MediaProbe probe, AssetOptions options, CancellationToken cancellationToken)
    {
        if (!TryKind(fields.GetValueOrDefault("kind"), out var kind))
        {
            return Problems.Invalid("kind", $"Must be one of: {KindNames} (a form field before the file).");
        }

        var folderId = Guid.Empty;
        if (fields.GetValueOrDefault("folderId") is { Length: > 0 } folderText
            && (!Guid.TryParse(folderText, out folderId)
                || !await db.AssetFolders.AnyAsync(f => f.Id == folderId, cancellationToken)))
        {
            return Problems.Invalid("folderId", "No folder of this team has this id.");
        }

        var name = (fields.GetValueOrDefault("name") is { Length: > 0 } given ? given : fileName).Trim();
        if (name.Length is 0 or > 200)
        {
            return Problems.Invalid("name", "A file name of 1 to 200 characters is needed.");
        }

        if (!SingleLine.Allows(name))
        {
            return Problems.Invalid("name", SingleLine.Refusal("name"));
        }

        var head = new byte[ContentSniffer.HeadLength];
        var headLength = await section.Body.ReadAtLeastAsync(
            head, head.Length, throwOnEndOfStream: false, cancellationToken);
        var check = ContentSniffer.Check(kind, section.ContentType ?? "", head.AsSpan(0, headLength));
        if (!check.Accepted)
        {
            return Problems.Invalid("file", $"The file is refused: {check.Refusal}.");
        }

        var now = db.Now;
        var asset = new Asset
        {
            FolderId = folderId,
            Name = name,
            Kind = kind,
            ContentType = check.MediaType,
            Hash = "",
            CreatedAt = now,
            UpdatedAt = now,
        };
        Stream content = new PrefixedStream(head.AsMemory(0, headLength), section.Body);
        if (kind is AssetKind.Video or AssetKind.Audio)
        {
            return await StoreMediaAsync(asset, content, check.Format, db, blobs, probe, options, cancellationToken);
        }

        if (check.Format == ContentFormat.Svg)
        {
            var svg = await SvgSanitizer.SanitizeAsync(content, options.MaxSvgBytes, cancellationToken);
            if (!svg.Accepted)
            {
                return Problems.Invalid("file", $"The SVG is refused: {svg.Refusal}.");
            }

            content = new MemoryStream(svg.Svg);
        }
        else if (kind == AssetKind.DesignScheme)
        {
            // A small document, checked whole before anything is stored.
            var whole = await ReadAllAsync(content, 256 * 1024, cancellationToken);
            if (whole is null)
            {
                return Problems.TooLarge(256 * 1024);
            }

            var (cleaned, refusal) = CheckDesignScheme(whole);
            if (refusal is not null)
            {
                return Problems.Invalid("file", $"The design scheme is refused: {refusal}.");
            }

            content = new MemoryStream(cleaned!);
        }

        return await SaveAsync(asset, content, options.MaxBytes, db, blobs, cancellationToken);
    }

    // Only what ffprobe read and the library's rules accept reaches the blob store; the temporary file is deleted
    // in any case.
    private static async Task<Results<Created<AssetResponse>, ValidationProblem, ProblemHttpResult>> StoreMediaAsync(
        Asset asset, Stream content, ContentFormat format, AppDb db, IBlobStore blobs, MediaProbe probe,
        AssetOptions options, CancellationToken cancellationToken)
    {
        var temp = MediaCheck.NewTempFile(options);
        try
        {
            if (!await MediaCheck.WriteAsync(content, temp, options.MaxMediaBytes, cancellationToken))
            {
                return Problems.TooLarge(options.MaxMediaBytes);
            }

            var (media, refusal) = await probe.ProbeAsync(temp, format, cancellationToken);
            refusal ??= MediaCheck.Refusal(asset.Kind, media!, options.MaxMediaSeconds);
            if (refusal is not null)
            {
                return Problems.Invalid("file", $"The file is refused: {refusal}.");
            }

            asset.DurationSeconds = Math.Round(media!.Duration.TotalSeconds, 3);
            (asset.Width, asset.Height) = asset.Kind == AssetKind.Video ? (media.Width, media.Height) : (null, null);
            await using var file = File.OpenRead(temp);
            return await SaveAsync(asset, file, options.MaxMediaBytes, db, blobs, cancellationToken);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static async Task<Results<Created<AssetResponse>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        Asset asset, Stream content, long maxBytes, AppDb db, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var put = await blobs.PutAsync(content, maxBytes, cancellationToken);
        if (put is not BlobPutResult.Stored stored)
        {
            return Problems.TooLarge(maxBytes);
        }

        asset.Hash = stored.Hash;
        asset.Length = stored.Length;
        db.Assets.Add(asset);
        db.AttachBlob(stored.Hash, BlobHolder.Asset, asset.Id);
        if (!await db.SaveUniqueAsync(cancellationToken))
        {
            db.ChangeTracker.Clear();
            await db.DeleteUnreferencedBlobsAsync(blobs, [stored.Hash], cancellationToken);
            return Problems.Conflict($"The folder already holds a file named '{asset.Name}'.");
        }

        return TypedResults.Created($"/assets/{asset.Id}", AssetResponse.From(asset));
    }

    private static async Task<Results<Ok<AssetResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, UpdateAssetRequest request, AppDb db, CancellationToken cancellationToken)
    {
        var asset = await db.Assets.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (asset is null)
        {
            return Problems.NotFound("asset");
        }

        if (request.FolderId is { } folder || request.MoveToRoot)
        {
            var target = request.MoveToRoot ? Guid.Empty : request.FolderId!.Value;
            if (target != Guid.Empty && !await db.AssetFolders.AnyAsync(f => f.Id == target, cancellationToken))
            {
                return Problems.Invalid("folderId", "No folder of this team has this id.");
            }

            asset.FolderId = target;
        }

        asset.Name = request.Name?.Trim() ?? asset.Name;
        asset.UpdatedAt = db.Now;
        return await db.SaveUniqueAsync(cancellationToken)
            ? TypedResults.Ok(AssetResponse.From(asset))
            : Problems.Conflict($"The target folder already holds a file named '{asset.Name}'.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, AppDb db, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var asset = await db.Assets.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (asset is null)
        {
            return Problems.NotFound("asset");
        }

        // Content refers to assets by id (attachments, image links), so a mention anywhere is a use.
        var text = id.ToString();
        if (await db.Communications.AnyAsync(c => c.Content.Contains(text), cancellationToken)
            || await db.Templates.AnyAsync(t => t.Content.Contains(text), cancellationToken))
        {
            return Problems.Conflict("A communication or template still uses this file.");
        }

        db.Assets.Remove(asset);
        await db.SaveChangesAsync(cancellationToken);
        await db.ReleaseBlobsAsync(blobs, [asset.Id], cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<bool> IsWithinAsync(
        AppDb db, Guid candidate, Guid ancestor, CancellationToken cancellationToken)
    {
        for (var current = candidate; current != Guid.Empty;)
        {
            if (current == ancestor)
            {
                return true;
            }

            var folder = current;
            current = await db.AssetFolders.Where(f => f.Id == folder).Select(f => f.ParentId)
                .FirstOrDefaultAsync(cancellationToken);
        }

        return false;
    }

    private static async Task<byte[]?> ReadAllAsync(Stream content, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static (byte[]? Cleaned, string? Refusal) CheckDesignScheme(byte[] json)
    {
        try
        {
            var scheme = JsonSerializer.Deserialize<DesignScheme>(json, JsonSerializerOptions.Web);
            if (scheme?.Palette is not { Count: > 0 } palette)
            {
                return (null, "a design scheme needs a palette of at least one colour");
            }

            if (palette.FirstOrDefault(c => string.IsNullOrWhiteSpace(c.Name) || !IsHexColour(c.Color)) is { } bad)
            {
                return (null, $"palette colour '{bad.Name}' needs a name and a colour like #1A2B3C");
            }

            return (JsonSerializer.SerializeToUtf8Bytes(scheme, JsonSerializerOptions.Web), null);
        }
        catch (JsonException e)
        {
            return (null, $"the design scheme is not valid JSON ({e.Message})");
        }
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create(
        "0123456789abcdefABCDEF");

    private static bool IsHexColour(string? value) =>
        value is { Length: 7 or 9 } && value[0] == '#' && !value.AsSpan(1).ContainsAnyExcept(HexDigits);

    internal static bool TryKind(string? name, out AssetKind kind) => WireNames.TryParse(name, out kind);

    private static readonly string KindNames = string.Join(", ", Enum.GetValues<AssetKind>().Select(WireNames.Of));

    private sealed record DesignScheme(List<PaletteColour>? Palette, List<string>? Fonts);

    private sealed record PaletteColour(string? Name, string? Color);
}
