using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Communique.Tests.Infrastructure;

namespace Communique.Tests.Assets;

public sealed class AssetLibraryTests : IAsyncLifetime
{
    // A complete 1×1 transparent PNG.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync(settings: new Dictionary<string, string?> { ["Assets:MaxBytes"] = "100000" });
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    private static async Task<HttpResponseMessage> UploadAsync(
        HttpClient client, byte[] bytes, string contentType, string kind = "image", string fileName = "logo.png",
        string? folderId = null)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(kind), "kind");
        if (folderId is not null)
        {
            form.Add(new StringContent(folderId), "folderId");
        }

        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        return await client.PostAsync("/assets", form);
    }

    private string[] BlobFiles()
    {
        var root = Path.Combine(_host.Database.Folder, "blobs");
        return Directory.Exists(root)
            ? Directory.GetFiles(root, "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetRelativePath(root, f).StartsWith("tmp", StringComparison.Ordinal)).ToArray()
            : [];
    }

    [Fact]
    public async Task Names_with_control_characters_are_refused_for_folders_and_files_and_nothing_is_stored()
    {
        const string injected = Http.NameTests.Injected;
        var folder = await (await _admin.PostJsonAsync("/assets/folders", new { name = injected }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(Http.NameTests.Names(folder, "name"));
        var logos = (await (await _admin.PostJsonAsync("/assets/folders", new { name = "Logos" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await _admin.PatchJsonAsync($"/assets/folders/{logos}", new { name = injected }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        var named = await (await _admin.PostAsync("/assets", Infrastructure.Http.RawForm("logo.png", Png,
            ("kind", "image"), ("name", injected), ("file", "")))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(Http.NameTests.Names(named, "name"));
        var fileName = await (await _admin.PostAsync("/assets", Infrastructure.Http.RawForm(injected + ".png", Png,
            ("kind", "image"), ("file", "")))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(Http.NameTests.Names(fileName, "file"));
        Assert.Empty(BlobFiles());

        var asset = (await (await UploadAsync(_admin, Png, "image/png")).JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await _admin.PatchJsonAsync($"/assets/{asset}", new { name = injected }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("logo.png", (await (await _admin.GetAsync($"/assets/{asset}")).JsonAsync()).Str("name"));
        Assert.Equal("Logos", Assert.Single((await (await _admin.GetAsync("/assets/folders")).JsonAsync())
            .EnumerateArray()).Str("name"));
    }

    [Fact]
    public async Task An_uploaded_image_downloads_whole_and_by_range_with_its_hash_as_etag()
    {
        var asset = await (await UploadAsync(_admin, Png, "image/png")).JsonAsync(HttpStatusCode.Created);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Png));
        Assert.Equal(sha, asset.Str("sha256"));
        Assert.Equal("image/png", asset.Str("contentType"));
        Assert.Equal(Png.Length, asset.GetProperty("length").GetInt64());

        var whole = await _admin.GetAsync($"/assets/{asset.Str("id")}/content");
        Assert.Equal(Png, await whole.Content.ReadAsByteArrayAsync());
        Assert.Equal($"\"{sha}\"", whole.Headers.ETag!.ToString());

        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/assets/{asset.Str("id")}/content");
        ranged.Headers.Range = new RangeHeaderValue(1, 3);
        var part = await _admin.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(Png[1..4], await part.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Identical_bytes_are_stored_once()
    {
        var first = await (await UploadAsync(_admin, Png, "image/png", fileName: "a.png"))
            .JsonAsync(HttpStatusCode.Created);
        var second = await (await UploadAsync(_admin, Png, "image/png", fileName: "b.png"))
            .JsonAsync(HttpStatusCode.Created);

        Assert.Equal(first.Str("sha256"), second.Str("sha256"));
        Assert.Single(BlobFiles());
    }

    [Fact]
    public async Task An_image_whose_bytes_are_a_PE_executable_is_refused_and_nothing_is_stored()
    {
        var pe = new byte[512];
        pe[0] = (byte)'M';
        pe[1] = (byte)'Z';
        BitConverter.TryWriteBytes(pe.AsSpan(0x3C), 0x80);
        "PE\0\0"u8.CopyTo(pe.AsSpan(0x80));

        var problem = await (await UploadAsync(_admin, pe, "image/png")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("executable", problem.Str("detail"), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(BlobFiles());
        Assert.Equal(0, (await (await _admin.GetAsync("/assets")).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_413_and_leaves_nothing_behind()
    {
        var big = new byte[150_000];
        Png.CopyTo(big, 0);

        await (await UploadAsync(_admin, big, "image/png")).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(BlobFiles());
        Assert.Empty(Directory.Exists(Path.Combine(_host.Database.Folder, "blobs", "tmp"))
            ? Directory.GetFiles(Path.Combine(_host.Database.Folder, "blobs", "tmp")) : []);
    }

    [Fact]
    public async Task An_svg_with_a_script_is_stored_without_it()
    {
        const string svg = """<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>"""
            + """<rect width="10" height="10"/></svg>""";
        var asset = await (await UploadAsync(_admin, Encoding.UTF8.GetBytes(svg), "image/svg+xml", fileName: "x.svg"))
            .JsonAsync(HttpStatusCode.Created);

        var stored = await _admin.GetStringAsync($"/assets/{asset.Str("id")}/content");
        Assert.Contains("<rect", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("script", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onload", stored, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_design_scheme_must_be_a_palette_with_named_colours()
    {
        var good = """{"palette":[{"name":"Brand","color":"#0A3D62"}],"fonts":["Liberation Sans"]}""";
        await (await UploadAsync(
            _admin, Encoding.UTF8.GetBytes(good), "application/json", "design-scheme", "brand.json"))
            .JsonAsync(HttpStatusCode.Created);

        var bad = """{"palette":[{"name":"Brand","color":"blue"}]}""";
        await (await UploadAsync(_admin, Encoding.UTF8.GetBytes(bad), "application/json", "design-scheme", "bad.json"))
            .ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_file_used_by_a_communication_cannot_be_deleted_until_it_is_no_longer_used()
    {
        var asset = await (await UploadAsync(_admin, Png, "image/png")).JsonAsync(HttpStatusCode.Created);
        var id = asset.Str("id");
        var project = (await (await _admin.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var communication = await (await _admin.PostJsonAsync($"/projects/{project}/communications",
            new { name = "Logo mail", channel = "email",
                content = new { subject = "Hi", html = $"<img src=\"/assets/{id}/content\">" } }))
            .JsonAsync(HttpStatusCode.Created);

        await (await _admin.DeleteAsync($"/assets/{id}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Single(BlobFiles());

        Assert.Equal(
            HttpStatusCode.NoContent,
            (await _admin.DeleteAsync($"/communications/{communication.Str("id")}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/assets/{id}")).StatusCode);
        Assert.Empty(BlobFiles());
    }

    [Fact]
    public async Task A_communication_made_from_a_template_gets_its_own_copy_of_the_template_assets()
    {
        var folder = await (await _admin.PostJsonAsync("/assets/folders", new { name = "Newsletter kit" }))
            .JsonAsync(HttpStatusCode.Created);
        var icons = await (await _admin.PostJsonAsync(
            "/assets/folders", new { name = "Icons", parentId = folder.Str("id") })).JsonAsync(HttpStatusCode.Created);
        var logo = await (await UploadAsync(_admin, Png, "image/png", folderId: icons.Str("id")))
            .JsonAsync(HttpStatusCode.Created);
        var template = await (await _admin.PostJsonAsync("/templates",
            new { name = "Newsletter", channel = "email", content = new { subject = "News", html = "<p>News</p>" },
                assetFolderId = folder.Str("id") }))
            .JsonAsync(HttpStatusCode.Created);
        var project = (await (await _admin.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");

        var communication = await (await _admin.PostJsonAsync($"/projects/{project}/communications",
            new { name = "December", channel = "email", templateId = template.Str("id") }))
                .JsonAsync(HttpStatusCode.Created);

        var copyRoot = communication.Str("assetFolderId");
        Assert.NotEqual(folder.Str("id"), copyRoot);
        var folders = (await (await _admin.GetAsync("/assets/folders")).JsonAsync()).EnumerateArray().ToList();
        var copiedIcons = folders.Single(
            f => f.Str("name") == "Icons" && f.GetProperty("parentId").GetString() == copyRoot);
        var copied = (await (await _admin.GetAsync($"/assets?folderId={copiedIcons.Str("id")}")).JsonAsync())
            .GetProperty("items")[0];
        Assert.Equal(logo.Str("sha256"), copied.Str("sha256"));
        Assert.NotEqual(logo.Str("id"), copied.Str("id"));

        // Changing the template's file leaves the communication's copy alone.
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/assets/{logo.Str("id")}")).StatusCode);
        Assert.Equal(
            Png, await (await _admin.GetAsync($"/assets/{copied.Str("id")}/content")).Content.ReadAsByteArrayAsync());
        Assert.Single(BlobFiles());
    }

    [Fact]
    public async Task Folders_nest_move_and_refuse_cycles_and_deleting_what_is_not_empty()
    {
        var brand = await (await _admin.PostJsonAsync("/assets/folders", new { name = "Brand" }))
            .JsonAsync(HttpStatusCode.Created);
        var logos = await (await _admin.PostJsonAsync(
            "/assets/folders", new { name = "Logos", parentId = brand.Str("id") })).JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync("/assets/folders", new { name = "Logos", parentId = brand.Str("id") }))
            .ProblemAsync(HttpStatusCode.Conflict);

        await (await _admin.PatchJsonAsync($"/assets/folders/{brand.Str("id")}", new { parentId = logos.Str("id") }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var file = await (await UploadAsync(_admin, Png, "image/png", folderId: logos.Str("id")))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal(logos.Str("id"), file.Str("folderId"));

        await (await _admin.DeleteAsync($"/assets/folders/{logos.Str("id")}")).ProblemAsync(HttpStatusCode.Conflict);
        var moved = await (await _admin.PatchJsonAsync(
            $"/assets/{file.Str("id")}", new { name = "logo-2026.png", moveToRoot = true })).JsonAsync();
        Assert.Equal("logo-2026.png", moved.Str("name"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, moved.GetProperty("folderId").ValueKind);
        Assert.Equal(
            HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/assets/folders/{logos.Str("id")}")).StatusCode);
    }

    [Fact]
    public async Task Another_teams_assets_do_not_exist_and_a_reporter_only_reads()
    {
        var asset = await (await UploadAsync(_admin, Png, "image/png")).JsonAsync(HttpStatusCode.Created);
        var globex = await _host.CreateAccountAsync("Globex");
        using var other = await globex.AdminAsync();

        await (await other.GetAsync($"/assets/{asset.Str("id")}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/assets/{asset.Str("id")}/content")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.DeleteAsync($"/assets/{asset.Str("id")}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await (await other.GetAsync("/assets")).JsonAsync()).GetProperty("items").GetArrayLength());

        var key = await (await _admin.PostJsonAsync("/credentials", new { name = "reports", role = "reporter" }))
            .JsonAsync(HttpStatusCode.Created);
        using var reporter = _host.ClientFor(
            await _host.AuthenticateAsync(key.Str("clientId"), key.Str("secret"), _acme.CustomerId), _acme.CustomerId);
        Assert.Equal(HttpStatusCode.OK, (await reporter.GetAsync($"/assets/{asset.Str("id")}/content")).StatusCode);
        await (await UploadAsync(reporter, Png, "image/png", fileName: "r.png")).ProblemAsync(HttpStatusCode.Forbidden);
    }
}
