using Communique.Assets.Storage;
using Communique.Auth;
using Communique.Communications;
using Communique.Data;
using Communique.Http;
using Communique.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

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
        group.MapGet("/entries", List).Recorded("list")
            .WithSummary("The team's archive entries, newest first: by channel, send, recipient and time range.");
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
        group.MapGet("/accesses", Accesses).RequireAccess(Area.Archive, Access.Edit)
            .WithSummary("The archive's access log, newest first: every listing, entry, content, proof, log, tree "
                + "head and verify asked for, by whom and when (administrators only).");
        return group;
    }

    // Writes each read that was answered to the team's access log. Refused reads are not kept: their ids may be
    // another team's, which this team's log must not name.
    private static RouteHandlerBuilder Recorded(this RouteHandlerBuilder route, string action) =>
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

    private static async Task<Results<Ok<Page<ArchiveEntryResponse>>, ValidationProblem, ProblemHttpResult>> List(
        AppDb db, string? channel, Guid? sendId, string? recipient, DateTime? from, DateTime? to, int? limit,
        string? cursor, CancellationToken cancellationToken)
    {
        if (!Paging.TryRead(limit, cursor, out var take, out var after, out var error))
        {
            return Problems.Invalid("cursor", error!);
        }

        if (sendId is { } send && !await db.ArchiveEntries.AnyAsync(e => e.SendId == send, cancellationToken))
        {
            return Problems.NotFound("send with archived entries");
        }

        Channel? only = null;
        if (channel is not null)
        {
            if (!WireNames.TryParse<Channel>(channel, out var parsed))
            {
                return Problems.Invalid("channel", "Not a channel of this product.");
            }

            only = parsed;
        }

        var rows = await db.ArchiveEntries.AsNoTracking()
            .Where(e => only == null || e.Channel == only)
            .Where(e => sendId == null || e.SendId == sendId)
            .Where(e => recipient == null || e.Recipient == recipient)
            .Where(e => from == null || e.CreatedAt >= from)
            .Where(e => to == null || e.CreatedAt < to)
            .Where(e => after == null || e.Id.CompareTo(after.Value) < 0)
            .OrderByDescending(e => e.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Build(rows.Select(ArchiveEntryResponse.From).ToList(), take, e => e.Id));
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
        AppDb db, ArchiveSigner signer, IOptions<ArchiveOptions> options, CancellationToken cancellationToken)
    {
        var latest = await LatestHeadAsync(db, cancellationToken);
        var log = await db.ArchiveLogs.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        var size = log?.Size ?? 0;
        var due = TimeSpan.FromSeconds(options.Value.TreeHeadSeconds);
        if (latest is null || (latest.Size < size && db.Now - latest.SignedAt >= due))
        {
            var head = new ArchiveTreeHead
            {
                TeamId = db.Tenant.TeamId,
                Size = size,
                Root = log?.Root ?? MerkleTree.EmptyRoot(),
                SignedAt = ArchiveLeaf.WholeMilliseconds(db.Now),
                KeyId = "",
                Signature = [],
            };
            (head.KeyId, head.Signature) = await signer.SignAsync(head.Statement(), cancellationToken);
            db.ArchiveTreeHeads.Add(head);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                latest = head;
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                // Another request signed this size first.
                db.ChangeTracker.Clear();
                latest = await LatestHeadAsync(db, cancellationToken);
            }
        }

        return TypedResults.Ok(TreeHeadResponse.From(latest!));
    }

    private static async Task<IResult> Keys(ArchiveSigner signer, HttpContext http, CancellationToken cancellationToken)
    {
        http.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Bytes(await signer.KeysAsync(cancellationToken), "application/json");
    }

    private static Task<ArchiveTreeHead?> LatestHeadAsync(AppDb db, CancellationToken cancellationToken) =>
        db.ArchiveTreeHeads.AsNoTracking().OrderByDescending(h => h.Size).FirstOrDefaultAsync(cancellationToken);

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
