using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Communique.Jobs;
using Communique.Tests.Infrastructure;

namespace Communique.Tests.DataSources;

public abstract class DataSourceTests(Provider provider) : IAsyncLifetime
{
    private const string People = "customer id,First Name,email,balance,joined,vip\n"
        + "1,Ann,ann@example.com,\"1,234.50\",12/31/2025,yes\n"
        + "2,Bob,bob@example.com,20,01/15/2026,no\n"
        + "3,Cy,cy@example.com,0.5,02/01/2026,no\n";

    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync(
            provider, new Dictionary<string, string?> { ["DataSources:MaxBytes"] = "1000000" });
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    private static async Task<HttpResponseMessage> UploadAsync(
        HttpClient client, byte[] bytes, string fileName, string name = "Customers",
        string? uniqueField = "customer_id",
        string path = "/data", bool async = false, string? locale = null)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(name), "name");
        if (uniqueField is not null)
        {
            form.Add(new StringContent(uniqueField), "uniqueField");
        }

        if (locale is not null)
        {
            form.Add(new StringContent(locale), "locale");
        }

        if (async)
        {
            form.Add(new StringContent("true"), "async");
        }

        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        return await client.PostAsync(path, form);
    }

    private static Task<HttpResponseMessage> UploadAsync(
        HttpClient client, string text, string fileName = "people.csv", string name = "Customers",
        string? uniqueField = "customer_id", string path = "/data", bool async = false) =>
        UploadAsync(client, Encoding.UTF8.GetBytes(text), fileName, name, uniqueField, path, async);

    private async Task<List<JsonElement>> RecordsAsync(string id) =>
        (await (await _admin.GetAsync($"/data/{id}")).JsonAsync()).GetProperty("data").EnumerateArray().ToList();

    private string[] BlobFiles()
    {
        var root = Path.Combine(_host.Database.Folder, "blobs");
        return Directory.Exists(root)
            ? Directory.GetFiles(root, "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetRelativePath(root, f).StartsWith("tmp", StringComparison.Ordinal)).ToArray()
            : [];
    }

    private async Task AssertNothingStoredAsync()
    {
        Assert.Equal(0, (await (await _admin.GetAsync("/data")).JsonAsync()).GetArrayLength());
        Assert.Empty(BlobFiles());
    }

    [Fact]
    public async Task A_csv_becomes_a_data_source_with_an_inferred_schema_and_records_with_uuids()
    {
        var source = await (await UploadAsync(_admin, People)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("ready", source.Str("status"));
        Assert.Equal(3, source.GetProperty("recordCount").GetInt64());
        var types = source.GetProperty("fields").EnumerateArray().ToDictionary(f => f.Str("name"), f => f.Str("type"));
        Assert.Equal("string", types["First_Name"]);
        Assert.Equal("number", types["balance"]);
        Assert.Equal("date", types["joined"]);
        Assert.Equal("boolean", types["vip"]);

        var list = await (await _admin.GetAsync("/data")).JsonAsync();
        Assert.Equal(source.Str("Id"), list[0].Str("Id"));
        Assert.Equal("Customers", list[0].Str("Name"));

        var records = await RecordsAsync(source.Str("Id"));
        Assert.Equal(["Ann", "Bob", "Cy"], records.Select(r => r.Str("First_Name")).ToArray());
        Assert.Equal("1,234.50", records[0].Str("balance"));
        Assert.Equal(3, records.Select(r => Guid.Parse(r.Str("uuid"))).Distinct().Count());
        Assert.Empty(BlobFiles());
    }

    [Fact]
    public async Task Large_sources_are_paged_with_limit_and_cursor()
    {
        var csv = new StringBuilder("id,name\n");
        // Enough rows for whole multi-row insert statements and a remainder.
        for (var i = 0; i < 150; i++)
        {
            csv.Append(i).Append(",person ").Append(i).Append('\n');
        }

        var id = (await (await UploadAsync(_admin, csv.ToString(), uniqueField: "id"))
            .JsonAsync(HttpStatusCode.Created)).Str("Id");
        var names = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await _admin.GetAsync(
                $"/data/{id}?limit=40{(cursor is null ? "" : "&cursor=" + cursor)}")).JsonAsync();
            names.AddRange(page.GetProperty("data").EnumerateArray().Select(r => r.Str("name")));
            cursor = page.TryGetProperty("next", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Range(0, 150).Select(i => $"person {i}"), names);
        var ours = await (await _admin.GetAsync($"/data/{id}/records?limit=5")).JsonAsync();
        Assert.Equal(5, ours.GetProperty("items").GetArrayLength());
        var uuid = ours.GetProperty("items")[2].Str("uuid");
        Assert.Equal(
            "person 2",
            (await (await _admin.GetAsync($"/data/{id}/records/{uuid}")).JsonAsync())
                .GetProperty("values").Str("name"));
    }

    [Fact]
    public async Task Latin1_bytes_in_a_csv_are_refused_naming_the_offset_and_nothing_is_stored()
    {
        var bytes = Encoding.Latin1.GetBytes("id,name\n1,Ren\u00e9\n");
        var problem = await (await UploadAsync(_admin, bytes, "people.csv", uniqueField: null))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(13, problem.GetProperty("byteOffset").GetInt64());
        Assert.Contains("13", problem.Str("detail"), StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Theory]
    [InlineData("id,name\n1,\"Ann\n2,Bob\n", "2")]
    [InlineData("id,name\n1,Ann\n2,Bob,extra\n", "3")]
    public async Task A_malformed_csv_is_refused_naming_the_line(string csv, string line)
    {
        var problem = await (await UploadAsync(_admin, csv, uniqueField: null)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains($"ine {line}", problem.Str("detail"), StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Json_nested_ten_thousand_deep_is_refused()
    {
        var json = "[{\"a\":" + string.Concat(Enumerable.Repeat("[", 10_000))
            + string.Concat(Enumerable.Repeat("]", 10_000)) + "}]";
        await (await UploadAsync(_admin, json, "deep.json", uniqueField: null)).ProblemAsync(HttpStatusCode.BadRequest);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Xml_with_a_dtd_or_external_entity_is_refused()
    {
        const string xxe = """<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>"""
            + """<people><person><name>&x;</name></person></people>""";
        var problem = await (await UploadAsync(_admin, xxe, "people.xml", uniqueField: null))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.DoesNotContain("root:", problem.GetRawText(), StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_xlsx_zip_bomb_is_refused()
    {
        var bomb = Communique.Tests.DataSources.Import.Sources.Xlsx("", writeSheet: zip =>
        {
            using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            sheet.Write("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"u8);
            var rows = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("<row><c><v>1</v></c></row>", 40_000)));
            for (long written = 0; written < 200L << 20; written += rows.Length)
            {
                sheet.Write(rows);
            }
        });

        var problem = await (await UploadAsync(_admin, bomb, "bomb.xlsx", uniqueField: null))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("zip bomb", problem.Str("detail"), StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_413()
    {
        var big = "id,name\n"
            + string.Concat(Enumerable.Range(0, 60_000).Select(i => $"{i},someone with a long name\n"));
        await (await UploadAsync(_admin, big, uniqueField: null)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task The_fields_of_an_upload_may_come_before_or_after_the_file()
    {
        var people = Encoding.UTF8.GetBytes(People);
        var before = await (await _admin.PostAsync("/data", Infrastructure.Http.RawForm("people.csv", people,
            ("name", "Before"), ("uniqueField", "customer_id"), ("file", "")))).JsonAsync(HttpStatusCode.Created);
        var after = await (await _admin.PostAsync("/data", Infrastructure.Http.RawForm("people.csv", people,
            ("file", ""), ("name", "After"), ("uniqueField", "customer_id")))).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(("Before", "After"), (before.Str("Name"), after.Str("Name")));
        Assert.Equal("customer_id", after.Str("uniqueField"));
        Assert.Equal(3, (await RecordsAsync(after.Str("Id"))).Count);
        // A file name without an extension: the format field after the file decides.
        var dee = Encoding.UTF8.GetBytes(
            "customer id,First Name,email,balance,joined,vip\n4,Dee,dee@example.com,7,03/01/2026,no\n");
        var appended = await (await _admin.PostAsync($"/data/{after.Str("Id")}/import?mode=append",
            Infrastructure.Http.RawForm("more", dee, ("file", ""), ("format", "csv")))).JsonAsync();
        Assert.Equal(4, appended.GetProperty("recordCount").GetInt64());
        Assert.Empty(BlobFiles());
    }

    [Fact]
    public async Task A_name_or_file_name_with_control_characters_is_refused_and_nothing_is_stored()
    {
        const string injected = "a\0b\r\nX-Injected: 1";
        var bytes = Encoding.UTF8.GetBytes(People);
        var name = await (await _admin.PostAsync("/data",
            Infrastructure.Http.RawForm("people.csv", bytes, ("file", ""), ("name", injected))))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(name.GetProperty("errors").TryGetProperty("name", out _));
        var file = await (await _admin.PostAsync("/data",
            Infrastructure.Http.RawForm(injected + ".csv", bytes, ("name", "People"), ("file", ""))))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(file.GetProperty("errors").TryGetProperty("file", out _));
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Json_arrays_of_objects_become_repeater_fields()
    {
        const string json = """[{"email":"ann@example.com","items":[{"sku":"A1","qty":2},{"sku":"B2","qty":1}]},"""
            + """{"email":"bob@example.com","items":[]}]""";
        var source = await (await UploadAsync(_admin, json, "orders.json", uniqueField: "email"))
            .JsonAsync(HttpStatusCode.Created);
        var items = source.GetProperty("fields").EnumerateArray().Single(f => f.Str("name") == "items");
        Assert.Equal("array", items.Str("type"));
        Assert.Equal(["sku", "qty"], items.GetProperty("items").EnumerateArray().Select(f => f.Str("name")).ToArray());

        var records = await RecordsAsync(source.Str("Id"));
        Assert.Equal("B2", records[0].GetProperty("items")[1].Str("sku"));
        Assert.Equal(0, records[1].GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Fields_are_renamed_hidden_and_retyped_only_when_every_value_fits()
    {
        var id = (await (await UploadAsync(_admin, People)).JsonAsync(HttpStatusCode.Created)).Str("Id");
        var before = await RecordsAsync(id);

        var refused = await (await _admin.PutAsJsonAsync(
            $"/data/{id}/schema", new { fields = new[] { new { name = "First_Name", type = "number" } } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(
            "Ann", refused.GetProperty("errors").GetProperty("fields.First_Name")[0].GetString(),
            StringComparison.Ordinal);

        var changed = await (await _admin.PutAsJsonAsync($"/data/{id}/schema", new
        {
            fields = new object[] { new { name = "First_Name", newName = "first_name" },
                new { name = "vip", hidden = true }, new { name = "customer_id", type = "number" } },
        })).JsonAsync();
        Assert.Contains(changed.GetProperty("fields").EnumerateArray(), f => f.Str("name") == "first_name");

        var after = await RecordsAsync(id);
        Assert.Equal("Ann", after[0].Str("first_name"));
        Assert.False(after[0].TryGetProperty("vip", out _));
        Assert.Equal(before.Select(r => r.Str("uuid")), after.Select(r => r.Str("uuid")));
    }

    [Fact]
    public async Task Replacing_keeps_the_uuid_of_every_record_whose_identifier_stays_and_appending_adds()
    {
        var id = (await (await UploadAsync(_admin, People)).JsonAsync(HttpStatusCode.Created)).Str("Id");
        var before = (await RecordsAsync(id)).ToDictionary(r => r.Str("customer_id"), r => r.Str("uuid"));

        const string replacement = "customer id,First Name,email,balance,joined,vip\n"
            + "2,Bobby,bob@example.com,25,01/15/2026,no\n4,Di,di@example.com,1,03/01/2026,yes\n";
        var replaced = await (await UploadAsync(_admin, replacement, path: $"/data/{id}/import?mode=replace"))
            .JsonAsync();
        Assert.Equal(2, replaced.GetProperty("recordCount").GetInt64());

        var after = (await RecordsAsync(id)).ToDictionary(r => r.Str("customer_id"), r => r);
        Assert.Equal(before["2"], after["2"].Str("uuid"));
        Assert.Equal("Bobby", after["2"].Str("First_Name"));
        Assert.DoesNotContain(before.Values, u => u == after["4"].Str("uuid"));
        Assert.False(after.ContainsKey("1"));

        await (await UploadAsync(
            _admin, "customer id,First Name,email,balance,joined,vip\n5,Ed,ed@example.com,3,04/01/2026,no\n",
            path: $"/data/{id}/import?mode=append")).JsonAsync();
        Assert.Equal(["2", "4", "5"], (await RecordsAsync(id)).Select(r => r.Str("customer_id")).ToArray());
        await (await UploadAsync(_admin, "other,columns\n1,2\n", path: $"/data/{id}/import?mode=append"))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(3, (await RecordsAsync(id)).Count);
    }

    [Fact]
    public async Task Duplicates_of_the_unique_identifier_are_reported()
    {
        var source = await (await UploadAsync(_admin, "customer id,name\n1,Ann\n2,Bob\n1,Ann again\n"))
            .JsonAsync(HttpStatusCode.Created);
        var report = source.GetProperty("lastImport");
        Assert.Equal(1, report.GetProperty("duplicateCount").GetInt64());
        Assert.Equal("1", report.GetProperty("duplicates")[0].Str("value"));
        Assert.Equal(4, report.GetProperty("duplicates")[0].GetProperty("repeatLines")[0].GetInt64());
    }

    [Fact]
    public async Task A_large_import_runs_as_a_job_with_progress_and_a_failing_one_leaves_nothing()
    {
        var accepted = await UploadAsync(_admin, People, async: true);
        var source = await accepted.JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("importing", source.Str("status"));
        Assert.True(await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None));

        var job = await (await _admin.GetAsync($"/jobs/{source.Str("importJobId")}")).JsonAsync();
        Assert.Equal("succeeded", job.Str("state"));
        Assert.Equal(100, job.GetProperty("progress").GetInt32());
        Assert.Equal(3, (await RecordsAsync(source.Str("Id"))).Count);

        var bad = await (await UploadAsync(
            _admin, "id,name\n1,\"open\n", name: "Broken", uniqueField: null, async: true))
            .JsonAsync(HttpStatusCode.Accepted);
        Assert.True(await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None));
        var dead = await (await _admin.GetAsync($"/jobs/{bad.Str("importJobId")}")).JsonAsync();
        Assert.Equal("dead", dead.Str("state"));
        Assert.Contains("line 2", dead.Str("error"), StringComparison.OrdinalIgnoreCase);
        var broken = await (await _admin.GetAsync($"/data/{bad.Str("Id")}/schema")).JsonAsync();
        Assert.Equal("failed", broken.Str("status"));
        Assert.Empty(await RecordsAsync(bad.Str("Id")));
    }

    [Fact]
    public async Task A_cancelled_import_leaves_the_source_as_it_was()
    {
        var id = (await (await UploadAsync(_admin, People)).JsonAsync(HttpStatusCode.Created)).Str("Id");
        var pending = await (await UploadAsync(
            _admin, "customer id,First Name\n9,Zed\n", path: $"/data/{id}/import?mode=replace", async: true))
            .JsonAsync(HttpStatusCode.Accepted);

        var elsewhere = await (await _admin.PostAsync($"/jobs/{pending.Str("importJobId")}/cancel", null))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal($"POST /data/{id}/import/cancel", elsewhere.Str("cancelWith"));
        Assert.Equal("ready", (await (await _admin.PostAsync($"/data/{id}/import/cancel", null)).JsonAsync())
            .Str("status"));

        Assert.Equal("cancelled", (await (await _admin.GetAsync($"/jobs/{pending.Str("importJobId")}")).JsonAsync())
            .Str("state"));
        Assert.Equal("ready", (await (await _admin.GetAsync($"/data/{id}/schema")).JsonAsync()).Str("status"));
        Assert.Equal(3, (await RecordsAsync(id)).Count);
        await (await UploadAsync(_admin, People, path: $"/data/{id}/import?mode=replace")).JsonAsync();
    }

    [Fact]
    public async Task A_data_source_with_an_import_queued_is_not_deleted_until_the_import_is_cancelled()
    {
        var pending = await (await UploadAsync(_admin, People, async: true)).JsonAsync(HttpStatusCode.Accepted);
        var id = pending.Str("Id");

        var refused = await (await _admin.DeleteAsync($"/data/{id}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(pending.Str("importJobId"), refused.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync($"/data/{id}/schema")).StatusCode);

        await (await _admin.PostAsync($"/data/{id}/import/cancel", null)).JsonAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/data/{id}")).StatusCode);
        Assert.Empty(BlobFiles());
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/data/{id}/schema")).StatusCode);
    }

    [Fact]
    public async Task An_import_cancelled_while_it_runs_takes_its_rows_back_out()
    {
        await using var host = await TestHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["DataSources:MaxBytes"] = "100000000",
            ["DataSources:BatchSize"] = "500",
            ["Jobs:LeaseSeconds"] = "1",
        });
        var account = await host.CreateAccountAsync("Big Data Co");
        using var admin = await account.AdminAsync();
        var id = (await (await UploadAsync(admin, "id,name\n1,first\n", uniqueField: "id"))
            .JsonAsync(HttpStatusCode.Created)).Str("Id");
        var big = new StringBuilder("id,name\n");
        for (var i = 0; i < 400_000; i++)
        {
            big.Append(i).Append(",someone number ").Append(i).Append('\n');
        }

        var pending = await (await UploadAsync(
            admin, big.ToString(), path: $"/data/{id}/import?mode=replace", uniqueField: "id", async: true))
            .JsonAsync(HttpStatusCode.Accepted);
        var job = pending.Str("importJobId");
        var run = host.Service<JobRunner>().RunOneAsync(CancellationToken.None);
        for (var i = 0; i < 200
            && (await (await admin.GetAsync($"/jobs/{job}")).JsonAsync()).GetProperty("progress").GetInt32() == 0; i++)
        {
            await Task.Delay(50);
        }

        await (await admin.PostAsync($"/data/{id}/import/cancel", null)).JsonAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("cancelled", (await (await admin.GetAsync($"/jobs/{job}")).JsonAsync()).Str("state"));
        var source = await (await admin.GetAsync($"/data/{id}/schema")).JsonAsync();
        Assert.Equal("ready", source.Str("status"));
        Assert.Equal(1, source.GetProperty("recordCount").GetInt64());
        Assert.Contains("cancelled", source.GetProperty("lastImport").Str("error"), StringComparison.Ordinal);
        var rows = await host.WithDbAsync(db => Task.FromResult(
            Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.IgnoreQueryFilters(db.DataRecords)
                .Count()));
        Assert.Equal(1, rows);
    }

    [Fact]
    public async Task Another_teams_data_does_not_exist_and_a_reporter_only_reads()
    {
        var id = (await (await UploadAsync(_admin, People)).JsonAsync(HttpStatusCode.Created)).Str("Id");
        var globex = await _host.CreateAccountAsync("Globex");
        using var other = await globex.AdminAsync();

        await (await other.GetAsync($"/data/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/data/{id}/schema")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/data/{id}/records")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.DeleteAsync($"/data/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await UploadAsync(other, People, path: $"/data/{id}/import?mode=append"))
            .ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await (await other.GetAsync("/data")).JsonAsync()).GetArrayLength());

        var key = await (await _admin.PostJsonAsync("/credentials", new { name = "reports", role = "reporter" }))
            .JsonAsync(HttpStatusCode.Created);
        using var reporter = _host.ClientFor(
            await _host.AuthenticateAsync(key.Str("clientId"), key.Str("secret"), _acme.CustomerId), _acme.CustomerId);
        Assert.Equal(HttpStatusCode.OK, (await reporter.GetAsync($"/data/{id}")).StatusCode);
        await (await UploadAsync(reporter, People, name: "Mine")).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/data/{id}")).StatusCode);
        await (await _admin.GetAsync($"/data/{id}")).ProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class DataSourcesOnSqlite() : DataSourceTests(Provider.Sqlite);

public sealed class DataSourcesOnPostgres() : DataSourceTests(Provider.Postgres);
