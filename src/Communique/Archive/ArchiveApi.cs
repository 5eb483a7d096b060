using Communique.Assets.Storage;
using Communique.Auth;
using Communique.Communications;
using Communique.Data;
using Communique.Http;
using Communique.Jobs;
using System.Text.Json;
using Communique.Sending;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Communique.Archive;

// The archive: what the team's messages and documents were, exactly, with the proofs that the archive has not been
// altered since. Entries are listed newest first; the log's root and any earlier root come with the proofs between
// them (RFC 9162's inclusion and consistency proofs, hashes in lower-case hex).
public static class ArchiveApi
{
    private const int MaxQueryChars = 1000;

    public static RouteGroupBuilder MapArchive(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/archive").WithTags("Archive").WithGroupName("archiving-channel")
            .RequireTeamCaller().RequireAccess(Area.Archive, Access.View);
        group.MapGet("/entries", List).Recorded("search")
            .WithSummary("Search the team's archive, newest first. Query fields, all of which must match: channel, "
                + "sendId, campaignId, communicationId, recordUuid, recipient, from and to (a time range), "
                + "metadata.NAME=VALUE (a top-level metadata field) and text (words all found in the entry's text; "
                + "word* for a prefix). Paged by limit and cursor.");
        group.MapPost("/entries", Ingest).RequireAccess(Area.Archive, Access.Edit)
            .DisableAntiforgery()
            .WithSummary("Archive an external document: multipart/form-data with the fields channel (document by "
                + "default), recipient, contentType, recordUuid, communicationId, text (what a search finds it by) "
                + "and metadata (a JSON object), then one file part (at most Archive:MaxEntryBytes).");
        group.MapDelete("/entries/{id:guid}", Delete).RequireAccess(Area.Archive, Access.Edit).Recorded("delete")
            .WithSummary("Purge one entry's content now, leaving its tombstone in the log: refused (409) while its "
                + "retention date is to come or a legal hold covers it.");
        group.MapGet("/entries/{id:guid}", Get).Recorded("entry")
            .WithSummary("One entry: what was kept, its hashes and its leaf.");
        group.MapGet("/entries/{id:guid}/content", Content).Recorded("content")
            .WithSummary("The entry's content exactly as it left (an email's MIME, a PDF); HTTP Range supported.");
        group.MapGet("/entries/{id:guid}/proof", Proof).Recorded("proof")
            .WithSummary("The proof that the entry is leaf leafIndex of the log of the given size (the current log "
                + "by default): the audit path from its leaf hash to that size's root.");
        group.MapGet("/log", Log).Recorded("log")
            .WithSummary("The team's log: its size and root, or the root at an earlier size.");
        group.MapGet("/log/consistency", Consistency).Recorded("consistency")
            .WithSummary("The proof that the log at size `to` extends the log at size `from` (nothing rewritten).");
        group.MapGet("/tree-head", TreeHead).Recorded("tree-head")
            .WithSummary("The log's latest signed tree head (Ed25519, a key of /.well-known/archive-keys.json). A "
                + "new head is signed when the log has grown and the last one is Archive:TreeHeadSeconds old.");
        // Beside the token keys of /.well-known/jwks.json, and like them open to anyone who checks a signature.
        app.MapGet("/.well-known/archive-keys.json", Keys).AllowAnonymous().WithTags("Archive")
            .WithGroupName("archiving-channel")
            .WithSummary("The public keys (Ed25519, as a JSON Web Key Set) that verify archive tree heads.");
        group.MapPost("/verify", Verify).Recorded("verify")
            .WithSummary("Check the whole log as a job: every entry's fields and content against its leaf, and the "
                + "roots. The job's result names the first entry found altered. Follow it at GET /jobs/{id}.");
        group.MapArchiveRules();
        group.MapArchiveExports();
        group.MapGet("/accesses", Accesses).RequireAccess(Area.Archive, Access.Edit)
            .WithSummary("The archive's access log, newest first: every listing, entry, content, proof, log, tree "
                + "head and verify asked for, by whom and when (administrators only).");
        return group;
    }

    // Writes each read that was answered to the team's access log. Refused reads are not kept: their ids may be
    // another team's, which this team's log must not name.
    internal static RouteHandlerBuilder Recorded(this RouteHandlerBuilder route, string action) =>
        route.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var answered = result is INestedHttpResult nested ? nested.Result : result;
            if (answered is IStatusCodeHttpResult { StatusCode: >= 400 })
            {
                return result;
            }

            var http = context.HttpContext;
            var db = http.RequestServices.GetRequiredService<AppDb>();
            var caller = db.Tenant.Caller!;
            var entry = http.Request.RouteValues.TryGetValue("id", out var id)
                && Guid.TryParse(id as string, out var entryId)
                ? entryId
                : (Guid?)null;
            var query = http.Request.QueryString.Value;
            db.ArchiveAccesses.Add(new ArchiveAccess
            {
                At = db.Now,
                CallerKind = caller.Kind,
                CallerId = caller.SubjectId,
                Action = action,
                EntryId = entry,
                Query = string.IsNullOrEmpty(query) ? null : query[..Math.Min(query.Length, MaxQueryChars)],
            });
            await db.SaveChangesAsync(http.RequestAborted);
            return result;
        });

    private static async Task<Results<Ok<Page<ArchiveEntryResponse>>, ValidationProblem>> List(
        HttpRequest request, AppDb db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        var (search, field, refusal) = ArchiveSearch.Parse(request.Query, paging: true);
        if (search is null)
        {
            return Problems.Invalid(field!, refusal!);
        }

        var rows = await (await search.PageAsync(db, cancellationToken)).AsNoTracking()
            .Where(e => after == null || e.Id.CompareTo(after.Value) < 0)
            .OrderByDescending(e => e.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows.Select(ArchiveEntryResponse.From).ToList(), take, e => e.Id));
    }

    private static async Task<Results<Created<ArchiveEntryResponse>, ValidationProblem, ProblemHttpResult>> Ingest(
        HttpRequest request, AppDb db, MessageArchive archive, IOptions<ArchiveOptions> options,
        CancellationToken cancellationToken)
    {
        var max = options.Value.MaxEntryBytes;
        var (part, failure) = await MultipartUpload.FirstFileAsync(
            request, max, cancellationToken, ArchiveMetadata.MaxChars);
        switch (failure)
        {
            case UploadFailure.TooLarge:
                return TooLarge(max);
            case UploadFailure.NotMultipart:
                return Problems.Invalid("file", "Send multipart/form-data: the fields (channel, recipient, "
                    + "contentType, recordUuid, communicationId, text, metadata), then one file part.");
            case UploadFailure.NoFile:
                return Problems.Invalid("file", "The upload has no file part.");
            case UploadFailure.FileName:
                return Problems.Invalid("file", SingleLine.Refusal("file name"));
            case UploadFailure.FieldTooLong:
                return Problems.Invalid("metadata", $"A form field holds at most {ArchiveMetadata.MaxChars} "
                    + "characters.");
        }

        var fields = part!.Fields;
        var channel = Channel.Document;
        if (fields.GetValueOrDefault("channel") is { Length: > 0 } channelName
            && !WireNames.TryParse(channelName, out channel))
        {
            return Problems.Invalid("channel", "Not a channel of this product.");
        }

        var contentType = fields.GetValueOrDefault("contentType") is { Length: > 0 } given ? given
            : part.File.ContentType ?? "application/octet-stream";
        if (!MediaTypeHeaderValue.TryParse(contentType, out _) || contentType.Length > 128
            || !SingleLine.Allows(contentType))
        {
            return Problems.Invalid("contentType", "A media type such as application/pdf, at most 128 characters.");
        }

        var recipient = fields.GetValueOrDefault("recipient") is { Length: > 0 } address ? address.Trim() : null;
        if (recipient is not null && (recipient.Length > 320 || !SingleLine.Allows(recipient)))
        {
            return Problems.Invalid("recipient", "One line of at most 320 characters.");
        }

        Guid? Id(string name, out bool bad)
        {
            bad = false;
            if (fields.GetValueOrDefault(name) is not { Length: > 0 } text)
            {
                return null;
            }

            bad = !Guid.TryParse(text, out var id);
            return bad ? null : id;
        }

        var record = Id("recordUuid", out var badRecord);
        var communication = Id("communicationId", out var badCommunication);
        if (badRecord || badCommunication)
        {
            return Problems.Invalid(badRecord ? "recordUuid" : "communicationId", "Not an id.");
        }

        JsonElement? metadata = null;
        if (fields.GetValueOrDefault("metadata") is { Length: > 0 } json)
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                metadata = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return Problems.Invalid("metadata", "Not JSON.");
            }

            if (ArchiveMetadata.Read(metadata).Error is { } refusal)
            {
                return Problems.Invalid("metadata", refusal);
            }
        }

        // The body's limit stops the copy (413) once it passes the entry's limit.
        using var content = new MemoryStream();
        try
        {
            await part.File.Body.CopyToAsync(content, cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(max);
        }

        if (content.Length > max)
        {
            return TooLarge(max);
        }

        var text = fields.GetValueOrDefault("text");
        var message = new ArchivedMessage(db.Tenant.TeamId, Guid.Empty, Guid.CreateVersion7(), channel, recipient,
            contentType)
        {
            CommunicationId = communication,
            RecordUuid = record,
            Text = string.IsNullOrWhiteSpace(text) ? null : text,
            Metadata = metadata,
        };
        var entry = await archive.AppendAsync(message, content.GetBuffer().AsMemory(0, (int)content.Length),
            cancellationToken);
        return TypedResults.Created($"/archive/entries/{entry.Id}", ArchiveEntryResponse.From(entry));
    }

    private static ProblemHttpResult TooLarge(long max) =>
        TypedResults.Problem($"An archive entry holds at most {max} bytes.", statusCode: 413,
            title: "Payload too large", type: ProblemTypes.PayloadTooLarge);

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, AppDb db, ArchivePurge purge, CancellationToken cancellationToken)
    {
        var entry = await db.ArchiveEntries.FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (entry is null)
        {
            return Problems.NotFound("archive entry");
        }

        if (entry.IsPurged)
        {
            return TypedResults.NoContent();
        }

        if (await purge.RefusalAsync(entry, cancellationToken) is { } refusal)
        {
            return Problems.Conflict(refusal);
        }

        await purge.PurgeAsync([entry], cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Page<ArchiveAccessResponse>>, ValidationProblem, ProblemHttpResult>> Accesses(
        AppDb db, Guid? entryId, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        if (entryId is { } entry && !await db.ArchiveEntries.AnyAsync(e => e.Id == entry, cancellationToken))
        {
            return Problems.NotFound("archive entry");
        }

        var rows = await db.ArchiveAccesses.AsNoTracking()
            .Where(a => entryId == null || a.EntryId == entryId)
            .Where(a => after == null || a.Id.CompareTo(after.Value) < 0)
            .OrderByDescending(a => a.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows.Select(ArchiveAccessResponse.From).ToList(), take, a => a.Id));
    }

    private static async Task<Results<Ok<ArchiveEntryResponse>, ProblemHttpResult>> Get(
        Guid id, AppDb db, CancellationToken cancellationToken)
    {
        var entry = await db.ArchiveEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        return entry is null ? Problems.NotFound("archive entry") : TypedResults.Ok(ArchiveEntryResponse.From(entry));
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Content(
        Guid id, AppDb db, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var entry = await db.ArchiveEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (entry is null)
        {
            return Problems.NotFound("archive entry");
        }

        var bytes = await ArchiveContent.ReadAsync(blobs, entry, cancellationToken);
        if (bytes is null)
        {
            return Problems.NotFound("archive entry's content");
        }

        var content = new MemoryStream(bytes, writable: false);
        return TypedResults.Stream(content, entry.ContentType, enableRangeProcessing: true);
    }

    private static async Task<Results<Ok<InclusionProofResponse>, ValidationProblem, ProblemHttpResult>> Proof(
        Guid id, long? size, AppDb db, CancellationToken cancellationToken)
    {
        var entry = await db.ArchiveEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (entry is null)
        {
            return Problems.NotFound("archive entry");
        }

        var logSize = await LogSizeAsync(db, cancellationToken);
        var treeSize = size ?? logSize;
        if (treeSize <= entry.LeafIndex || treeSize > logSize)
        {
            return Problems.Invalid("size", $"Must be more than the entry's leaf index ({entry.LeafIndex}) and at "
                + $"most the log's size ({logSize}).");
        }

        var nodes = await ArchiveNodes.LoadAsync(
            db, [.. MerkleTree.InclusionNodes(entry.LeafIndex, treeSize), .. MerkleTree.RootNodes(treeSize)],
            cancellationToken);
        var path = MerkleTree.InclusionProof(entry.LeafIndex, treeSize, n => nodes[n]);
        return TypedResults.Ok(new InclusionProofResponse(entry.Id, entry.LeafIndex, treeSize,
            Hex(entry.LeafHash), Hex(MerkleTree.Root(treeSize, n => nodes[n])), [.. path.Select(Hex)]));
    }

    private static async Task<Results<Ok<LogResponse>, ValidationProblem>> Log(
        long? size, AppDb db, CancellationToken cancellationToken)
    {
        var log = await db.ArchiveLogs.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        var logSize = log?.Size ?? 0;
        if (size is not { } earlier || earlier == logSize)
        {
            return TypedResults.Ok(new LogResponse(logSize, Hex(log?.Root ?? MerkleTree.EmptyRoot()), log?.UpdatedAt));
        }

        if (earlier < 0 || earlier > logSize)
        {
            return Problems.Invalid("size", $"Must be from 0 to the log's size ({logSize}).");
        }

        var nodes = await ArchiveNodes.LoadAsync(db, MerkleTree.RootNodes(earlier), cancellationToken);
        return TypedResults.Ok(new LogResponse(earlier, Hex(MerkleTree.Root(earlier, n => nodes[n])), null));
    }

    private static async Task<Results<Ok<ConsistencyProofResponse>, ValidationProblem>> Consistency(
        long from, long? to, AppDb db, CancellationToken cancellationToken)
    {
        var logSize = await LogSizeAsync(db, cancellationToken);
        var toSize = to ?? logSize;
        if (from < 1 || from > toSize || toSize > logSize)
        {
            return Problems.Invalid("from", $"Sizes must satisfy 1 <= from <= to <= the log's size ({logSize}).");
        }

        var nodes = await ArchiveNodes.LoadAsync(db,
            [.. MerkleTree.ConsistencyNodes(from, toSize), .. MerkleTree.RootNodes(from),
                .. MerkleTree.RootNodes(toSize)],
            cancellationToken);
        var proof = MerkleTree.ConsistencyProof(from, toSize, n => nodes[n]);
        return TypedResults.Ok(new ConsistencyProofResponse(from, toSize, Hex(MerkleTree.Root(from, n => nodes[n])),
            Hex(MerkleTree.Root(toSize, n => nodes[n])), [.. proof.Select(Hex)]));
    }

    private static async Task<Ok<TreeHeadResponse>> TreeHead(
        AppDb db, ArchiveSigner signer, IOptions<ArchiveOptions> options, CancellationToken cancellationToken) =>
        TypedResults.Ok(TreeHeadResponse.From(await ArchiveTreeHeads.LatestAsync(
            db, signer, TimeSpan.FromSeconds(options.Value.TreeHeadSeconds), cancellationToken)));

    private static async Task<IResult> Keys(ArchiveSigner signer, HttpContext http, CancellationToken cancellationToken)
    {
        http.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Bytes(await signer.KeysAsync(cancellationToken), "application/json");
    }

    private static async Task<Accepted<JobResponse>> Verify(AppDb db, CancellationToken cancellationToken)
    {
        var job = db.EnqueueJob(ArchiveVerifyJob.Kind, maxAttempts: 3);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted($"/jobs/{job.Id}", JobResponse.From(job));
    }

    private static async Task<long> LogSizeAsync(AppDb db, CancellationToken cancellationToken) =>
        await db.ArchiveLogs.AsNoTracking().Select(l => (long?)l.Size).FirstOrDefaultAsync(cancellationToken) ?? 0;

    internal static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);
}
