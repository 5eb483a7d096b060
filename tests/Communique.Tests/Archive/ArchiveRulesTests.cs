using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Communique.Archive;
using Communique.Assets.Storage;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Communique.Tests.Archive;

// Policies, retention, legal holds, the purge, ingest and search.
public abstract partial class ArchiveTests
{
    // A team switches archiving off for one channel; another team, with no policy, archives everything.
    [Fact]
    public async Task Policies_switch_archiving_per_channel_for_their_team_only()
    {
        await SendReceiptsAsync(_admin, "dee@example.org");
        await (await _admin.PutAsJsonAsync("/archive/policies/email", new { archive = false }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Single(await SendReceiptsAsync(_admin, "eve@example.org"));

        await (await _admin.PutAsJsonAsync("/archive/policies/all", new { archive = false })).JsonAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/archive/policies/email")).StatusCode);
        Assert.Single(await SendReceiptsAsync(_admin, "fay@example.org"));
        await (await _admin.PutAsJsonAsync("/archive/policies/email", new { archive = true })).JsonAsync();
        Assert.Equal(2, (await SendReceiptsAsync(_admin, "gil@example.org")).Count);
        var policies = (await (await _admin.GetAsync("/archive/policies")).JsonAsync()).EnumerateArray().ToList();
        Assert.Equal(["all", "email"], policies.Select(p => p.Str("scope")));

        await (await _admin.PutAsJsonAsync("/archive/policies/fax", new { archive = true }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PutAsJsonAsync("/archive/policies/email", new { retention = new { years = 0, days = 0 } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PutAsJsonAsync("/archive/policies/email", new { retention = new { years = 101 } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        using var reporter = await RoleClientAsync("reporter");
        await (await reporter.PutAsJsonAsync("/archive/policies/email", new { archive = false }))
            .ProblemAsync(HttpStatusCode.Forbidden);

        var other = await _host.CreateAccountAsync("Other Corp");
        using var intruder = await other.AdminAsync();
        Assert.Empty((await (await intruder.GetAsync("/archive/policies")).JsonAsync()).EnumerateArray());
        var document = await IngestAsync(intruder, "theirs.pdf", "%PDF-1.7 theirs"u8.ToArray(), null);
        Assert.Equal("document", document.Str("channel"));
    }

    // Content is kept until its retention date, then purged unless a hold covers it; the purged entry stays in the log
    // as a tombstone, so its proof and the log's verify still check, and no byte of its content stays on disk.
    [Fact]
    public async Task Retention_purges_content_after_its_date_unless_held_and_proofs_still_verify()
    {
        await (await _admin.PutAsJsonAsync("/archive/policies/email", new { retention = new { days = 1 } }))
            .JsonAsync();
        var entries = (await SendReceiptsAsync(_admin, "dee@example.org", "eve@example.org", "fay@example.org"))
            .OrderBy(e => e.GetProperty("leafIndex").GetInt64()).ToList();
        var ids = entries.Select(e => e.Str("id")).ToList();
        Assert.All(entries, e => Assert.Equal(e.GetProperty("createdAt").GetDateTime().AddDays(1),
            e.GetProperty("retainUntil").GetDateTime()));
        var packs = await _host.WithDbAsync(db => db.ArchiveEntries.IgnoreQueryFilters()
            .Select(e => e.BlobHash).Distinct().ToListAsync());

        // Before its date nobody deletes it, and shortening the policy later does not move the date.
        await (await _admin.DeleteAsync($"/archive/entries/{ids[1]}")).ProblemAsync(HttpStatusCode.Conflict);
        var hold = await (await _admin.PostJsonAsync("/archive/holds",
            new { reason = "Complaint 42", entryIds = new[] { ids[0] } })).JsonAsync(HttpStatusCode.Created);
        await AdvanceAsync(TimeSpan.FromDays(2));

        var after = (await ListAsync(_admin, "")).ToDictionary(e => e.Str("id"));
        Assert.Equal(JsonValueKind.Null, after[ids[0]].GetProperty("purgedAt").ValueKind);
        Assert.Equal(entries[0].Str("recipient"), after[ids[0]].Str("recipient"));
        foreach (var id in ids.Skip(1))
        {
            Assert.NotEqual(JsonValueKind.Null, after[id].GetProperty("purgedAt").ValueKind);
            Assert.Equal(JsonValueKind.Null, after[id].GetProperty("recipient").ValueKind);
            Assert.Equal(entries[ids.IndexOf(id)].Str("leafHash"), after[id].Str("leafHash"));
            await (await _admin.GetAsync($"/archive/entries/{id}/content")).ProblemAsync(HttpStatusCode.NotFound);
        }

        Assert.Equal(await ContentAsync(entries[0]), await (await _admin.GetAsync(
            $"/archive/entries/{ids[0]}/content")).Content.ReadAsByteArrayAsync());
        await (await _admin.DeleteAsync($"/archive/entries/{ids[0]}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.True((await VerifyAsync()).GetProperty("intact").GetBoolean());

        var root = (await (await _admin.GetAsync("/archive/log")).JsonAsync()).Str("root");
        var proof = await (await _admin.GetAsync($"/archive/entries/{ids[2]}/proof")).JsonAsync();
        Assert.True(MerkleTree.VerifyInclusion(Convert.FromHexString(entries[2].Str("leafHash")), 2, 3,
            Hashes(proof, "auditPath"), Convert.FromHexString(root)));

        await (await _admin.PostAsync($"/archive/holds/{hold.Str("id")}/release", null)).JsonAsync();
        await RunJobsAsync();
        Assert.All(await ListAsync(_admin, ""),
            e => Assert.NotEqual(JsonValueKind.Null, e.GetProperty("purgedAt").ValueKind));
        Assert.True((await VerifyAsync()).GetProperty("intact").GetBoolean());
        foreach (var pack in packs)
        {
            Assert.False(File.Exists(Path.Combine(_host.Database.Folder, "blobs", pack[..2], pack[2..4], pack)));
        }

        Assert.Empty(await ListAsync(_admin, "?text=dee"));
    }

    [Fact]
    public async Task A_shortened_policy_and_a_hold_by_search_keep_what_they_cover()
    {
        await (await _admin.PutAsJsonAsync("/archive/policies/all", new { retention = new { years = 10 } }))
            .JsonAsync();
        var kept = (await SendReceiptsAsync(_admin, "dee@example.org"))[0].Str("id");
        await (await _admin.PutAsJsonAsync("/archive/policies/all", new { retention = new { days = 1 } }))
            .JsonAsync();
        await (await _admin.PostJsonAsync("/archive/holds",
            new { reason = "Litigation", search = "?recipient=eve@example.org" })).JsonAsync(HttpStatusCode.Created);
        // Archived after the hold was placed, and covered by its search all the same.
        var entries = await SendReceiptsAsync(_admin, "eve@example.org", "fay@example.org");
        await AdvanceAsync(TimeSpan.FromDays(2));

        var purged = (await ListAsync(_admin, ""))
            .Where(e => e.GetProperty("purgedAt").ValueKind != JsonValueKind.Null).Select(e => e.Str("id")).ToList();
        Assert.Equal([entries.Single(e => e.Str("recipient") == "fay@example.org").Str("id")], purged);
        await (await _admin.DeleteAsync($"/archive/entries/{kept}")).ProblemAsync(HttpStatusCode.Conflict);

        await (await _admin.PostJsonAsync("/archive/holds", new { reason = "x", search = "?colour=red" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostJsonAsync("/archive/holds", new { reason = "x", search = "" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostJsonAsync("/archive/holds", new { reason = "", entryIds = new[] { kept } }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        // Another team can neither hold nor delete this team's entries.
        var other = await _host.CreateAccountAsync("Other Corp");
        using var intruder = await other.AdminAsync();
        await (await intruder.PostJsonAsync("/archive/holds", new { reason = "Mine", entryIds = new[] { kept } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await intruder.DeleteAsync($"/archive/entries/{kept}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty((await (await intruder.GetAsync("/archive/holds")).JsonAsync()).GetProperty("items")
            .EnumerateArray());
    }

    // An external document with its metadata: found by a metadata field and by its text, its bytes kept exactly.
    [Fact]
    public async Task Ingested_documents_are_found_by_metadata_and_text_and_bad_ones_refused()
    {
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7 a policy schedule");
        var entry = await IngestAsync(_admin, "schedule.pdf", pdf,
            """{"policy":"P-1001","year":2026,"tags":["a"]}""",
            ("recipient", "dee@example.org"), ("text", "Home insurance schedule for Dee Smith"),
            ("contentType", "application/pdf"));
        Assert.Equal("P-1001", entry.GetProperty("metadata").Str("policy"));
        Assert.Equal(pdf, await ContentAsync(entry));
        await IngestAsync(_admin, "other.pdf", pdf, """{"policy":"P-1002"}""",
            ("text", "Motor insurance for Zoë, car 3d4f-77e5: " + new string('x', 300)));

        Assert.Equal([entry.Str("id")],
            (await ListAsync(_admin, "?metadata.policy=P-1001")).Select(e => e.Str("id")));
        Assert.Single(await ListAsync(_admin, "?metadata.year=2026"));
        Assert.Empty(await ListAsync(_admin, "?metadata.policy=P-1001&metadata.year=2025"));
        Assert.Equal(2, (await ListAsync(_admin, "?text=insurance")).Count);
        Assert.Single(await ListAsync(_admin, "?text=SMITH%20home"));
        Assert.Single(await ListAsync(_admin, "?text=sched*"));
        Assert.Single(await ListAsync(_admin, "?text=insurance&metadata.policy=P-1002"));
        // Words of any script, letters mixed with digits, and a word longer than a query's (found by its prefix).
        Assert.Single(await ListAsync(_admin, "?text=ZO%C3%8B%203d4f%2077e5"));
        Assert.Single(await ListAsync(_admin, "?text=" + new string('x', 64) + "*"));
        Assert.Empty(await ListAsync(_admin, "?text=" + new string('x', 64)));
        await (await _admin.GetAsync("/archive/entries?text=" + new string('x', 65)))
            .ProblemAsync(HttpStatusCode.BadRequest);
        // A time range, to the millisecond: both were archived at the test clock's one instant.
        var at = entry.GetProperty("createdAt").GetDateTime();
        string Iso(DateTime time) => Uri.EscapeDataString(time.ToString("O", CultureInfo.InvariantCulture));
        Assert.Equal(2, (await ListAsync(_admin, $"?from={Iso(at)}&to={Iso(at.AddMilliseconds(1))}")).Count);
        Assert.Empty(await ListAsync(_admin, $"?to={Iso(at)}"));
        Assert.Empty(await ListAsync(_admin, $"?from={Iso(at.AddTicks(1))}"));
        await (await _admin.GetAsync("/archive/entries?text=%21%21")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.GetAsync("/archive/entries?colour=red")).ProblemAsync(HttpStatusCode.BadRequest);

        await IngestRefusedAsync(HttpStatusCode.BadRequest, "metadata", "[1,2]");
        await IngestRefusedAsync(HttpStatusCode.BadRequest, "metadata", "{not json");
        await IngestRefusedAsync(HttpStatusCode.BadRequest, "metadata",
            "{\"a\":\"" + new string('x', ArchiveMetadata.MaxChars) + "\"}");
        await IngestRefusedAsync(HttpStatusCode.BadRequest, "contentType", "not a type");
        await IngestRefusedAsync(HttpStatusCode.BadRequest, "channel", "fax");
        using var tooLarge = new MultipartFormDataContent
        {
            { new ByteArrayContent(new byte[2 << 20]), "file", "big.pdf" },
        };
        await (await _admin.PostAsync("/archive/entries", tooLarge))
            .ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(2, (await ListAsync(_admin, "")).Count);
        Assert.True((await VerifyAsync()).GetProperty("intact").GetBoolean());

        using var reporter = await RoleClientAsync("reporter");
        using var denied = new MultipartFormDataContent { { new ByteArrayContent(pdf), "file", "x.pdf" } };
        await (await reporter.PostAsync("/archive/entries", denied)).ProblemAsync(HttpStatusCode.Forbidden);
    }

    // The messages of one send are compressed against the send's first: each is kept in a fraction of its size.
    [Fact]
    public async Task Emails_of_one_send_are_found_by_their_text_and_compressed_together()
    {
        var entries = await SendReceiptsAsync(_admin, "dee@example.org", "eve@example.org", "fay@example.org",
            "gil@example.org");
        Assert.Single(await ListAsync(_admin, "?text=gil"));
        Assert.Equal(4, (await ListAsync(_admin, "?text=your%20receipt")).Count);
        var frames = await _host.WithDbAsync(db => db.ArchiveEntries.IgnoreQueryFilters()
            .Select(e => new Tuple<long, long, string?>(e.Size, e.BlobLength, e.DictionaryHash)).ToListAsync());
        Assert.All(frames, f => Assert.NotNull(f.Item3));
        Assert.All(frames, f => Assert.True(f.Item2 * 4 < f.Item1, $"{f.Item2} of {f.Item1} bytes"));
        foreach (var entry in entries)
        {
            Assert.Equal(entry.Str("sha256"), Convert.ToHexStringLower(
                System.Security.Cryptography.SHA256.HashData(await ContentAsync(entry))));
        }
    }

    // A send of one message (a transactional call of one record) has no other message to share a dictionary with: it
    // is compressed on its own, and no blob besides its pack is kept for it.
    [Fact]
    public async Task The_only_message_of_a_send_is_compressed_on_its_own()
    {
        var entry = (await SendReceiptsAsync(_admin, "hal@example.org")).Single();
        var (size, length, dictionary, pack) = await _host.WithDbAsync(db => db.ArchiveEntries.IgnoreQueryFilters()
            .Select(e => new Tuple<long, long, string?, string>(e.Size, e.BlobLength, e.DictionaryHash, e.BlobHash))
            .SingleAsync());
        Assert.Null(dictionary);
        Assert.True(length < size, $"{length} of {size} bytes");
        var held = await _host.WithDbAsync(db => db.BlobReferences
            .Where(r => r.Holder == BlobHolder.Archive).Select(r => r.Hash).ToListAsync());
        Assert.Equal([pack], held);
        Assert.Equal(entry.Str("sha256"), Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(await ContentAsync(entry))));
    }

    // An export proves itself: each file's SHA-256 is its entry's, each entry's audit path leads to the root of the
    // manifest's tree head, and that head's signature checks with the published key.
    [Fact]
    public async Task An_export_of_a_search_is_a_zip_that_proves_its_entries()
    {
        var entries = await SendReceiptsAsync(_admin, "dee@example.org", "eve@example.org", "fay@example.org");
        var export = await (await _admin.PostJsonAsync("/archive/exports", new { search = "?text=eve" }))
            .JsonAsync(HttpStatusCode.Accepted);
        await RunJobsAsync();
        var done = await (await _admin.GetAsync($"/archive/exports/{export.Str("id")}")).JsonAsync();
        Assert.Equal(("succeeded", 1L), (done.Str("state"), done.GetProperty("entries").GetInt64()));
        var zipBytes = await (await _admin.GetAsync($"/archive/exports/{export.Str("id")}/file"))
            .Content.ReadAsByteArrayAsync();
        Assert.Equal(done.Str("sha256"),
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(zipBytes)));

        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(zipBytes));
        using var manifest = JsonDocument.Parse(await new StreamReader(zip.GetEntry("manifest.json")!.Open())
            .ReadToEndAsync());
        var head = manifest.RootElement.GetProperty("treeHead");
        var keys = (await (await _host.CreateClient().GetAsync("/.well-known/archive-keys.json")).JsonAsync())
            .GetProperty("keys").EnumerateArray().Single();
        var key = new Org.BouncyCastle.Crypto.Parameters.Ed25519PublicKeyParameters(
            System.Buffers.Text.Base64Url.DecodeFromChars(keys.Str("x")));
        Assert.True(Signed(head, key, head.GetProperty("size").GetInt64()));
        var item = Assert.Single(manifest.RootElement.GetProperty("entries").EnumerateArray());
        var entry = item.GetProperty("entry");
        Assert.Equal("eve@example.org", entry.Str("recipient"));
        using var file = zip.GetEntry(item.Str("file"))!.Open();
        var content = new MemoryStream();
        await file.CopyToAsync(content);
        Assert.Equal(entry.Str("sha256"),
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content.ToArray())));
        Assert.True(MerkleTree.VerifyInclusion(Convert.FromHexString(entry.Str("leafHash")),
            entry.GetProperty("leafIndex").GetInt64(), head.GetProperty("size").GetInt64(),
            Hashes(item, "auditPath"), Convert.FromHexString(head.Str("root"))));
        Assert.Equal(3, entries.Count);

        var accesses = (await (await _admin.GetAsync("/archive/accesses")).JsonAsync()).GetProperty("items")
            .EnumerateArray().Select(a => a.Str("action")).ToList();
        Assert.Contains("export", accesses);
        Assert.Contains("export-download", accesses);
        await (await _admin.PostJsonAsync("/archive/exports", new { search = "?colour=red" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var other = await _host.CreateAccountAsync("Other Corp");
        using var intruder = await other.AdminAsync();
        await (await intruder.GetAsync($"/archive/exports/{export.Str("id")}/file"))
            .ProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<byte[]> ContentAsync(JsonElement entry) =>
        await (await _admin.GetAsync($"/archive/entries/{entry.Str("id")}/content")).Content.ReadAsByteArrayAsync();

    private static async Task<JsonElement> IngestAsync(
        HttpClient client, string name, byte[] file, string? metadata, params (string Name, string Value)[] fields)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (field, value) in fields)
        {
            form.Add(new StringContent(value), field);
        }

        if (metadata is not null)
        {
            form.Add(new StringContent(metadata), "metadata");
        }

        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(content, "file", name);
        return await (await client.PostAsync("/archive/entries", form)).JsonAsync(HttpStatusCode.Created);
    }

    private async Task IngestRefusedAsync(HttpStatusCode status, string field, string value)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(value), field },
            { new ByteArrayContent("%PDF-1.7"u8.ToArray()), "file", "x.pdf" },
        };
        var problem = await (await _admin.PostAsync("/archive/entries", form)).ProblemAsync(status);
        Assert.Contains(field, problem.GetRawText(), StringComparison.Ordinal);
    }

    // Time passes, jobs due run, and the administrator signs in again (the token expired meanwhile).
    private async Task AdvanceAsync(TimeSpan time)
    {
        _host.Clock.Advance(time);
        await RunJobsAsync();
        _admin.Dispose();
        _admin = await _acme.AdminAsync();
    }

    private async Task RunJobsAsync()
    {
        for (var i = 0; i < 20 && await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None); i++)
        {
        }
    }
}
