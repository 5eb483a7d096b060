using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Communique.Archive;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Communique.Tests.Archive;

public abstract partial class ArchiveTests(Provider provider) : IAsyncLifetime
{
    private SmtpSink _smtp = null!;
    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;
    private bool _receiptsReady;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _host = await TestHost.StartAsync(
            provider, _smtp.RelaySettings(("Archive:Enabled", "true"), ("Archive:TreeHeadSeconds", "0"),
                ("Archive:MaxEntryBytes", "1048576"), ("Archive:VerifyBatch", "2")));
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    // A signed email is kept as signed, byte for byte, and found by the words of its text part as well as its subject.
    [Fact]
    public async Task A_signed_email_is_kept_as_received_and_found_by_its_text_part()
    {
        await (await _admin.PostJsonAsync("/dkim-keys", new { domain = "acme.example" }))
            .JsonAsync(HttpStatusCode.Created);
        var entry = Assert.Single(await SendReceiptsAsync(_admin, "hal@example.org"));

        var bytes = await (await _admin.GetAsync($"/archive/entries/{entry.Str("id")}/content")).Content
            .ReadAsByteArrayAsync();
        Assert.Contains(_smtp.ReceivedBytes, b => b.Concat("\r\n"u8.ToArray()).SequenceEqual(bytes));
        var kept = await MimeMessage.LoadAsync(new MemoryStream(bytes));
        Assert.Contains(kept.Headers, h => h.Id == HeaderId.DkimSignature);
        Assert.Single(await ListAsync(_admin, "?text=hi%20hal"));
        Assert.Single(await ListAsync(_admin, "?text=receipt"));
    }

    // Three receipts sent: each is an entry whose content is the MIME the relay received, byte for byte, and whose
    // leaf the team's log proves, with nothing but the proof, the leaf hash and the root.
    [Fact]
    public async Task Every_email_sent_is_kept_as_sent_and_proven_by_the_teams_log()
    {
        var entries = await SendReceiptsAsync(_admin, "dee@example.org", "eve@example.org", "fay@example.org");

        Assert.Equal(["dee@example.org", "eve@example.org", "fay@example.org"],
            entries.Select(e => e.Str("recipient")).Order());
        Assert.All(entries, e => Assert.Equal("email", e.Str("channel")));
        Assert.Equal([0L, 1L, 2L], entries.Select(e => e.GetProperty("leafIndex").GetInt64()).Order());
        foreach (var entry in entries)
        {
            var content = await _admin.GetAsync($"/archive/entries/{entry.Str("id")}/content");
            Assert.Equal("message/rfc822", content.Content.Headers.ContentType!.MediaType);
            var bytes = await content.Content.ReadAsByteArrayAsync();
            Assert.Equal(entry.Str("sha256"), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            Assert.Single(_smtp.ReceivedBytes, b => b.Concat("\r\n"u8.ToArray()).SequenceEqual(bytes));
            var kept = await MimeMessage.LoadAsync(new MemoryStream(bytes));
            var received = _smtp.Received.Single(m => m.MessageId == kept.MessageId);
            Assert.Equal(received.To.Mailboxes.Single().Address, entry.Str("recipient"));
            Assert.Equal(received.Subject, kept.Subject);
        }

        var log = await (await _admin.GetAsync("/archive/log")).JsonAsync();
        Assert.Equal(3, log.GetProperty("size").GetInt64());
        var root = Convert.FromHexString(log.Str("root"));
        foreach (var entry in entries)
        {
            var proof = await (await _admin.GetAsync($"/archive/entries/{entry.Str("id")}/proof")).JsonAsync();
            Assert.Equal(log.Str("root"), proof.Str("root"));
            Assert.True(MerkleTree.VerifyInclusion(Convert.FromHexString(entry.Str("leafHash")),
                entry.GetProperty("leafIndex").GetInt64(), 3, Hashes(proof, "auditPath"), root));
            // The leaf hash is the hash of the entry's fields as docs/archive.md lists them.
            Assert.Equal(_acme.TeamId, Guid.Parse(entry.Str("teamId")));
            string[] fields =
            [
                "communique-archive-entry-1", entry.Str("id"), entry.Str("teamId"),
                entry.GetProperty("leafIndex").GetInt64().ToString(CultureInfo.InvariantCulture), entry.Str("channel"),
                entry.Str("sendId"), entry.Str("messageId"), entry.Str("recipient"), entry.Str("campaignId"),
                entry.Str("communicationId"),
                entry.GetProperty("communicationVersion").GetInt32().ToString(CultureInfo.InvariantCulture),
                entry.GetProperty("recordUuid").ValueKind == JsonValueKind.Null ? "" : entry.Str("recordUuid"),
                entry.GetProperty("createdAt").GetDateTime()
                    .ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                entry.Str("contentType"), entry.GetProperty("size").GetInt64().ToString(CultureInfo.InvariantCulture),
                entry.Str("sha256"), "",
            ];
            var leaf = Encoding.UTF8.GetBytes(string.Concat(fields.Select(f => f + "\n")));
            Assert.Equal(entry.Str("leafHash"), Convert.ToHexStringLower(SHA256.HashData([0, .. leaf])));
        }

        var first = await (await _admin.GetAsync("/archive/log?size=1")).JsonAsync();
        var consistency = await (await _admin.GetAsync("/archive/log/consistency?from=1&to=3")).JsonAsync();
        Assert.Equal(first.Str("root"), consistency.Str("fromRoot"));
        Assert.True(MerkleTree.VerifyConsistency(1, 3, Convert.FromHexString(first.Str("root")), root,
            Hashes(consistency, "proof")));
    }

    [Fact]
    public async Task A_pdf_the_document_channel_makes_is_kept_as_it_was_returned()
    {
        var project = (await (await _admin.PostJsonAsync("/projects", new { name = "Letters" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var document = (await (await _admin.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Letter", channel = "document",
            content = new { markup = "<document><body><p>Dear {{ name }}</p></body></document>" },
        })).JsonAsync(HttpStatusCode.Created)).Str("id");

        var pdf = await (await _admin.PostJsonAsync($"/document/communications/{document}/pdf",
            new { record = new { name = "Ann" } })).Content.ReadAsByteArrayAsync();

        var entry = Assert.Single(await ListAsync(_admin, "?channel=document"));
        Assert.Equal("application/pdf", entry.Str("contentType"));
        Assert.Equal(pdf, await (await _admin.GetAsync($"/archive/entries/{entry.Str("id")}/content"))
            .Content.ReadAsByteArrayAsync());
    }

    // A row altered in the database, a blob altered on disk or a row deleted, after it was archived: verify names
    // the entry or the leaf. Verify reads two entries a batch here, so that the three span batches.
    [Fact]
    public async Task Verify_finds_the_log_intact_and_names_the_entry_whose_row_or_content_was_altered()
    {
        var entries = await SendReceiptsAsync(_admin, "dee@example.org", "eve@example.org", "fay@example.org");
        var ordered = entries.OrderBy(e => e.GetProperty("leafIndex").GetInt64()).ToArray();
        var ids = ordered.Select(e => Guid.Parse(e.Str("id"))).ToArray();

        var intact = await VerifyAsync();
        Assert.True(intact.GetProperty("intact").GetBoolean());
        Assert.Equal(3, intact.GetProperty("size").GetInt64());

        await _host.WithDbAsync(db => db.ArchiveEntries.IgnoreQueryFilters().Where(e => e.Id == ids[1])
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Recipient, "mallory@example.org")));
        var altered = await VerifyAsync();
        Assert.False(altered.GetProperty("intact").GetBoolean());
        Assert.Equal(1, altered.GetProperty("leafIndex").GetInt64());
        Assert.Equal(ids[1], altered.GetProperty("entryId").GetGuid());
        Assert.Contains("fields", altered.Str("problem"), StringComparison.Ordinal);

        await _host.WithDbAsync(db => db.ArchiveEntries.IgnoreQueryFilters().Where(e => e.Id == ids[1])
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Recipient, ordered[1].Str("recipient"))));
        // One byte of the third entry's frame changed in its pack, as a disk or an intruder might.
        var (blob, offset, length) = await _host.WithDbAsync(db => db.ArchiveEntries.IgnoreQueryFilters()
            .Where(e => e.Id == ids[2])
            .Select(e => new Tuple<string, long, long>(e.BlobHash, e.BlobOffset, e.BlobLength)).SingleAsync());
        var file = Path.Combine(_host.Database.Folder, "blobs", blob[..2], blob[2..4], blob);
        var pack = await File.ReadAllBytesAsync(file);
        pack[offset + length / 2] ^= 0x20;
        await File.WriteAllBytesAsync(file, pack);

        var content = await VerifyAsync();
        Assert.False(content.GetProperty("intact").GetBoolean());
        Assert.Equal(ids[2], content.GetProperty("entryId").GetGuid());
        Assert.Contains("content", content.Str("problem"), StringComparison.Ordinal);

        // The last entry's row deleted: its leaf is named, though its batch (two entries a batch here) is empty.
        await _host.WithDbAsync(db => db.ArchiveEntries.IgnoreQueryFilters().Where(e => e.Id == ids[2])
            .ExecuteDeleteAsync());
        var deleted = await VerifyAsync();
        Assert.False(deleted.GetProperty("intact").GetBoolean());
        Assert.Equal(2, deleted.GetProperty("leafIndex").GetInt64());
        Assert.Contains("no entry", deleted.Str("problem"), StringComparison.Ordinal);
    }

    // Each head is checked as a customer would: the statement rebuilt from docs/archive.md and the signature checked
    // with a key from /.well-known/archive-keys.json, by BouncyCastle rather than by the server's code.
    [Fact]
    public async Task Tree_heads_are_signed_with_a_published_key_and_proven_consistent()
    {
        await SendReceiptsAsync(_admin, "dee@example.org");
        var first = await (await _admin.GetAsync("/archive/tree-head")).JsonAsync();
        await SendReceiptsAsync(_admin, "eve@example.org", "fay@example.org");
        var second = await (await _admin.GetAsync("/archive/tree-head")).JsonAsync();

        using var anonymous = _host.CreateClient();
        var keys = (await (await anonymous.GetAsync("/.well-known/archive-keys.json")).JsonAsync())
            .GetProperty("keys").EnumerateArray().ToList();
        var key = Assert.Single(keys);
        Assert.Equal(("OKP", "Ed25519"), (key.Str("kty"), key.Str("crv")));
        var publicKey = new Ed25519PublicKeyParameters(Base64Url.DecodeFromChars(key.Str("x")));
        Assert.Equal((1L, 3L), (first.GetProperty("size").GetInt64(), second.GetProperty("size").GetInt64()));
        foreach (var head in new[] { first, second })
        {
            Assert.Equal(key.Str("kid"), head.Str("keyId"));
            Assert.True(Signed(head, publicKey, head.GetProperty("size").GetInt64()));
            Assert.False(Signed(head, publicKey, head.GetProperty("size").GetInt64() + 1));
        }

        Assert.Equal(second.Str("root"), (await (await _admin.GetAsync("/archive/log")).JsonAsync()).Str("root"));
        var proof = await (await _admin.GetAsync("/archive/log/consistency?from=1&to=3")).JsonAsync();
        Assert.True(MerkleTree.VerifyConsistency(1, 3, Convert.FromHexString(first.Str("root")),
            Convert.FromHexString(second.Str("root")), Hashes(proof, "proof")));
    }

    private static bool Signed(JsonElement head, Ed25519PublicKeyParameters key, long size)
    {
        var statement = Encoding.UTF8.GetBytes(string.Concat(new[]
        {
            "communique-archive-tree-head-1", head.Str("teamId"), size.ToString(CultureInfo.InvariantCulture),
            head.Str("root"),
            head.GetProperty("signedAt").GetDateTime()
                .ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        }.Select(line => line + "\n")));
        var verifier = new Ed25519Signer();
        verifier.Init(forSigning: false, key);
        verifier.BlockUpdate(statement, 0, statement.Length);
        return verifier.VerifySignature(Convert.FromHexString(head.Str("signature")));
    }

    [Fact]
    public async Task Content_is_served_in_ranges_and_bad_sizes_are_refused()
    {
        var entry = (await SendReceiptsAsync(_admin, "dee@example.org"))[0];
        var id = entry.Str("id");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/archive/entries/{id}/content");
        request.Headers.Range = new RangeHeaderValue(0, 9);
        var part = await _admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(10, (await part.Content.ReadAsByteArrayAsync()).Length);

        await (await _admin.GetAsync($"/archive/entries/{id}/proof?size=2")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.GetAsync("/archive/log?size=5")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.GetAsync("/archive/log/consistency?from=0")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.GetAsync("/archive/entries?channel=fax")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Single(await ListAsync(_admin, "?channel=email&recipient=dee@example.org"));
        Assert.Empty(await ListAsync(_admin, "?recipient=nobody@example.org"));
    }

    // Another team sees nothing of this one's archive, and its own log starts at zero; a designer, who may send, may
    // not read the archive; a reporter, who may not send, may.
    [Fact]
    public async Task Another_team_sees_nothing_and_only_readers_of_the_archive_read_it()
    {
        var entry = (await SendReceiptsAsync(_admin, "dee@example.org"))[0];
        var id = entry.Str("id");
        var other = await _host.CreateAccountAsync("Other Corp");
        using var intruder = await other.AdminAsync();

        Assert.Empty(await ListAsync(intruder, ""));
        foreach (var path in new[] { "", "/content", "/proof" })
        {
            await (await intruder.GetAsync($"/archive/entries/{id}{path}")).ProblemAsync(HttpStatusCode.NotFound);
        }

        Assert.Equal(0, (await (await intruder.GetAsync("/archive/log")).JsonAsync()).GetProperty("size").GetInt64());

        using var designer = await RoleClientAsync("designer");
        await (await designer.GetAsync("/archive/entries")).ProblemAsync(HttpStatusCode.Forbidden);
        using var reporter = await RoleClientAsync("reporter");
        Assert.Single(await ListAsync(reporter, ""));
    }

    private async Task<List<JsonElement>> SendReceiptsAsync(HttpClient client, params string[] recipients)
    {
        if (!_receiptsReady)
        {
            await TestSenders.VerifyAsync(_host, client, _smtp, "receipts@acme.example");
            var project = (await (await client.PostJsonAsync("/projects", new { name = "Receipts" }))
                .JsonAsync(HttpStatusCode.Created)).Str("id");
            await (await client.PostJsonAsync($"/projects/{project}/communications", new
            {
                name = "Receipt", channel = "email",
                content = new { subject = "Your receipt", html = "<p>Hi {{ name }}</p>" },
            })).JsonAsync(HttpStatusCode.Created);
            _receiptsReady = true;
        }

        var before = _smtp.Received.Count;

        await (await client.PostJsonAsync("/campaigns/v2/Receipts/transactional", new Dictionary<string, object?>
        {
            ["communication"] = "Receipt", ["project"] = "Receipts", ["email_json_path"] = "email",
            ["sender"] = "receipts@acme.example",
            ["dataset"] = recipients.Select(r => new { email = r, name = r[..3] }).ToArray(),
        })).JsonAsync();
        for (var i = 0; i < 20 && await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None); i++)
        {
        }

        await _smtp.WaitForAsync(before + recipients.Length);
        return await ListAsync(client, "");
    }

    // Each read of the archive is in the team's access log with who asked: here a reporter's credential reading an
    // entry's content; the log is the administrator's to read, and another team's log does not hold it.
    [Fact]
    public async Task Every_read_of_the_archive_is_in_the_access_log_that_only_administrators_read()
    {
        var entry = (await SendReceiptsAsync(_admin, "dee@example.org"))[0].Str("id");
        using var reporter = await RoleClientAsync("reporter");
        await (await reporter.GetAsync($"/archive/entries/{entry}/content")).Content.ReadAsByteArrayAsync();
        await reporter.GetAsync("/archive/entries?recipient=dee@example.org");

        var log = (await (await _admin.GetAsync("/archive/accesses")).JsonAsync()).GetProperty("items")
            .EnumerateArray().ToList();
        var content = log.Single(a => a.Str("action") == "content");
        Assert.Equal(("credential", entry), (content.Str("callerKind"), content.Str("entryId")));
        var listed = log.First(a => a.Str("action") == "search" && a.Str("callerKind") == "credential");
        Assert.Equal("?recipient=dee@example.org", listed.Str("query"));
        Assert.Single((await (await _admin.GetAsync($"/archive/accesses?entryId={entry}")).JsonAsync())
            .GetProperty("items").EnumerateArray());
        await (await reporter.GetAsync("/archive/accesses")).ProblemAsync(HttpStatusCode.Forbidden);

        var other = await _host.CreateAccountAsync("Other Corp");
        using var intruder = await other.AdminAsync();
        Assert.Empty((await (await intruder.GetAsync("/archive/accesses")).JsonAsync()).GetProperty("items")
            .EnumerateArray());
    }

    private async Task<JsonElement> VerifyAsync()
    {
        var job = await (await _admin.PostAsync("/archive/verify", null)).JsonAsync(HttpStatusCode.Accepted);
        while (await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None))
        {
        }

        var done = await (await _admin.GetAsync($"/jobs/{job.Str("id")}")).JsonAsync();
        Assert.Equal("succeeded", done.Str("state"));
        return JsonDocument.Parse(done.Str("result")).RootElement;
    }

    private static async Task<List<JsonElement>> ListAsync(HttpClient client, string query) =>
        [.. (await (await client.GetAsync("/archive/entries" + query)).JsonAsync()).GetProperty("items")
            .EnumerateArray()];

    private async Task<HttpClient> RoleClientAsync(string role)
    {
        var key = await (await _admin.PostJsonAsync("/credentials", new { name = role, role }))
            .JsonAsync(HttpStatusCode.Created);
        return _host.ClientFor(
            await _host.AuthenticateAsync(key.Str("clientId"), key.Str("secret"), _acme.CustomerId), _acme.CustomerId);
    }

    private static List<byte[]> Hashes(JsonElement proof, string name) =>
        [.. proof.GetProperty(name).EnumerateArray().Select(h => Convert.FromHexString(h.GetString()!))];
}

public sealed class ArchiveOnSqlite() : ArchiveTests(Provider.Sqlite);

public sealed class ArchiveOnPostgres() : ArchiveTests(Provider.Postgres);
