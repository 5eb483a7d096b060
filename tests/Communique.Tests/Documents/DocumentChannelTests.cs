using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using MimeKit;

namespace Communique.Tests.Documents;

public abstract class DocumentChannelTests(Provider provider) : IAsyncLifetime
{
    private const string Letter = """
        <document title="Your letter" lang="en">
          <page size="A4" margin="20mm"/>
          <footer><p align="center" font-size="8pt">Page <page-number/> of <page-count/></p></footer>
          <body>
            <h2>Hello {{ name }}</h2>
            <p align="justify">Your reference is {{ ref }}. {% if vip %}Thank you for being a member.{% endif %}</p>
            <barcode type="code128" value="{{ ref }}" width="60mm" height="12mm"/>
          </body>
        </document>
        """;

    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private SmtpSink _smtp = null!;
    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;
    private string _project = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _host = await TestHost.StartAsync(provider, _smtp.RelaySettings());
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
        _project = (await (await _admin.PostJsonAsync("/projects", new { name = "Letters" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private Task<HttpResponseMessage> CreateAsync(string markup, string? fileName = null) =>
        _admin.PostJsonAsync($"/projects/{_project}/communications", new
        {
            name = "Letter " + Guid.NewGuid().ToString("N")[..8], channel = "document",
            content = new { markup, fileName },
        });

    private async Task<string> DocumentAsync(string markup = Letter, string? fileName = null) =>
        (await (await CreateAsync(markup, fileName)).JsonAsync(HttpStatusCode.Created)).Str("id");

    private async Task RunJobsAsync()
    {
        for (var i = 0; i < 20 && await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None); i++)
        {
        }
    }

    [Fact]
    public async Task Markup_and_liquid_errors_are_refused_at_save_with_their_line_and_column()
    {
        var markup = "<document>\n  <body>\n    <p>Hi</p>\n    <marquee/>\n  </body>\n</document>";
        var unknown = await (await CreateAsync(markup)).ProblemAsync(HttpStatusCode.BadRequest);
        var message = unknown.GetProperty("errors").GetProperty("content.markup")[0].GetString()!;
        Assert.StartsWith("Line 4, column", message, StringComparison.Ordinal);
        Assert.Contains("marquee", message, StringComparison.Ordinal);

        var unclosed = await (await CreateAsync("<document><body><p>Hi</body></document>"))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.StartsWith("Line 1, column",
            unclosed.GetProperty("errors").GetProperty("content.markup")[0].GetString()!, StringComparison.Ordinal);

        var liquid = await (await CreateAsync("<document><body><p>{% if vip %}Hi</p></body></document>"))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.StartsWith("Line 1, column",
            liquid.GetProperty("errors").GetProperty("content.markup")[0].GetString()!, StringComparison.Ordinal);

        var loop = await (await CreateAsync("<document><body><table>{% for r in rows %}<row><cell>{{ r }}</cell>"
            + "</row>{% endfor %}</table></body></document>")).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("document", loop.Str("channel"));
    }

    // The name holds markup characters and a control character, as imported data may: the one is text, the other is
    // left out.
    [Fact]
    public async Task A_pdf_for_an_inline_record_is_personalised_named_and_read_back_by_poppler_and_qpdf()
    {
        var id = await DocumentAsync(fileName: "letter-{{ ref }}.pdf");

        var response = await _admin.PostJsonAsync($"/document/communications/{id}/pdf",
            new { record = new { name = "Ann <Müller> &\u0001 Co", @ref = "R-1042", vip = true } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("letter-R-1042.pdf", response.Content.Headers.ContentDisposition!.FileNameStar
            ?? response.Content.Headers.ContentDisposition.FileName);
        Assert.Equal("1", response.Headers.GetValues("X-Page-Count").Single());
        var pdf = await response.Content.ReadAsByteArrayAsync();
        Assert.Contains(
            "No syntax or stream encoding errors", await PdfReaders.CheckAsync(pdf), StringComparison.Ordinal);
        var text = await PdfReaders.TextAsync(pdf);
        Assert.Contains("Hello Ann <Müller> & Co", text, StringComparison.Ordinal);
        Assert.Contains("Your reference is R-1042. Thank you for being a member.", text, StringComparison.Ordinal);
        Assert.Contains("Page 1 of 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_earlier_version_is_made_when_named_and_archival_content_makes_pdf_a()
    {
        var created = await CreateAsync("<document><body><p>First wording for {{ name }}</p></body></document>");
        var id = (await created.JsonAsync(HttpStatusCode.Created)).Str("id");
        using var edit = new HttpRequestMessage(HttpMethod.Put, $"/communications/{id}")
        {
            Content = JsonContent.Create(new
            {
                content = new
                {
                    markup = "<document title=\"Kept\"><body><p>Second wording for {{ name }}</p></body></document>",
                    archival = true,
                },
            }),
        };
        edit.Headers.TryAddWithoutValidation("If-Match", created.Headers.ETag!.ToString());
        await (await _admin.SendAsync(edit)).JsonAsync();
        var record = new { name = "Ann" };

        var first = await (await _admin.PostJsonAsync($"/document/communications/{id}/pdf",
            new { record, version = 1 })).Content.ReadAsByteArrayAsync();
        var current = await (await _admin.PostJsonAsync($"/document/communications/{id}/pdf", new { record }))
            .Content.ReadAsByteArrayAsync();

        Assert.Contains("First wording for Ann", await PdfReaders.TextAsync(first), StringComparison.Ordinal);
        Assert.Contains("Second wording for Ann", await PdfReaders.TextAsync(current), StringComparison.Ordinal);
        var bytes = Encoding.Latin1.GetString(current);
        Assert.Contains("pdfaid:part", bytes, StringComparison.Ordinal);
        Assert.Contains("/GTS_PDFA1", bytes, StringComparison.Ordinal);
        Assert.DoesNotContain("pdfaid:part", Encoding.Latin1.GetString(first), StringComparison.Ordinal);
        await (await _admin.PostJsonAsync($"/document/communications/{id}/pdf", new { record, version = 9 }))
            .ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_page_preview_is_a_png_and_pages_or_resolutions_out_of_range_are_refused()
    {
        var id = await DocumentAsync();
        var record = new { record = new { name = "Ann", @ref = "R-1", vip = false } };

        var preview = await _admin.PostJsonAsync($"/document/communications/{id}/png?page=1&dpi=36", record);

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal("image/png", preview.Content.Headers.ContentType!.MediaType);
        var png = await preview.Content.ReadAsByteArrayAsync();
        Assert.Equal(Png[..8], png[..8]);
        await (await _admin.PostJsonAsync($"/document/communications/{id}/png?page=2", record))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostJsonAsync($"/document/communications/{id}/png?dpi=1000", record))
            .ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_missing_field_is_named_and_a_document_that_cannot_be_made_is_unprocessable()
    {
        var id = await DocumentAsync();

        var missing = await (await _admin.PostJsonAsync($"/document/communications/{id}/pdf",
            new { record = new { name = "Ann" } })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(missing.GetProperty("errors").TryGetProperty("record.ref", out _));

        var barcode = await (await _admin.PostJsonAsync($"/document/communications/{id}/pdf",
            new { record = new { name = "Ann", @ref = "東京", vip = false } })).ProblemAsync((HttpStatusCode)422);
        Assert.Contains("barcode", barcode.Str("detail"), StringComparison.Ordinal);

        var email = (await (await _admin.PostJsonAsync($"/projects/{_project}/communications", new
        {
            name = "Mail", channel = "email", content = new { subject = "Hi", html = "<p>Hi</p>" },
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await _admin.PostJsonAsync($"/document/communications/{email}/pdf", new { record = new { } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Images_come_from_the_asset_library_by_id_or_by_name_in_the_documents_folder()
    {
        var folder = (await (await _admin.PostJsonAsync("/assets/folders", new { name = "Letterhead" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("image"), "kind" }, { new StringContent(folder), "folderId" },
        };
        var file = new ByteArrayContent(Png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "logo.png");
        var asset = (await (await _admin.PostAsync("/assets", form)).JsonAsync(HttpStatusCode.Created)).Str("id");
        var markup = "<document><body><image src=\"{{ logo }}\" width=\"20mm\"/><p>Hi</p></body></document>";
        var template = (await (await _admin.PostJsonAsync("/templates", new
        {
            name = "Letterhead", channel = "document", content = new { markup }, assetFolderId = folder,
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
        var id = (await (await _admin.PostJsonAsync($"/projects/{_project}/communications",
            new { name = "From template", channel = "document", templateId = template }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");

        foreach (var logo in new[] { "logo.png", asset })
        {
            var pdf = await (await _admin.PostJsonAsync($"/document/communications/{id}/pdf",
                new { record = new { logo } })).Content.ReadAsByteArrayAsync();
            Assert.Contains("No syntax or stream encoding errors", await PdfReaders.CheckAsync(pdf),
                StringComparison.Ordinal);
        }

        var unknown = await (await _admin.PostJsonAsync($"/document/communications/{id}/pdf",
            new { record = new { logo = "nope.png" } })).ProblemAsync((HttpStatusCode)422);
        Assert.Contains("nope.png", unknown.Str("detail"), StringComparison.Ordinal);
    }

    // Fonts uploaded to the document's asset folder are shaped and embedded as subsets (an OpenType CFF font here,
    // Debian's fonts-cantarell); WOFF fonts in the folder are left to web pages; without the font the family is named
    // as unknown, and a font that cannot be read is named.
    [Fact]
    public async Task An_uploaded_font_is_embedded_and_a_font_that_cannot_be_read_is_named()
    {
        var cantarell = await File.ReadAllBytesAsync("/usr/share/fonts/opentype/cantarell/Cantarell-Regular.otf");
        var folder = (await (await _admin.PostJsonAsync("/assets/folders", new { name = "Brand" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        await UploadFontAsync(folder, cantarell, "Cantarell-Regular.otf");
        byte[] woff = [.. "wOFF"u8, 0, 1, 0, 0, .. new byte[40]];
        await UploadFontAsync(folder, woff, "web.woff");
        const string markup = """<document><body><p font-family="Cantarell">Hello {{ name }}</p></body></document>""";
        var template = (await (await _admin.PostJsonAsync("/templates", new
        {
            name = "Brand letter", channel = "document", content = new { markup }, assetFolderId = folder,
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
        var branded = (await (await _admin.PostJsonAsync($"/projects/{_project}/communications",
            new { name = "Branded", channel = "document", templateId = template }))
            .JsonAsync(HttpStatusCode.Created));
        var plain = await DocumentAsync(markup);
        var record = new { record = new { name = "Ann" } };

        var made = await _admin.PostJsonAsync($"/document/communications/{branded.Str("id")}/pdf", record);
        Assert.True(made.IsSuccessStatusCode, await made.Content.ReadAsStringAsync());
        var pdf = await made.Content.ReadAsByteArrayAsync();
        var fonts = await PdfReaders.FontsAsync(pdf);
        Assert.Matches(@"[A-Z]{6}\+Cantarell-Regular\s+CID Type 0C", fonts);
        Assert.DoesNotContain("Liberation", fonts, StringComparison.Ordinal);
        Assert.Contains("Hello Ann", await PdfReaders.TextAsync(pdf), StringComparison.Ordinal);
        var unknown = await (await _admin.PostJsonAsync($"/document/communications/{plain}/pdf", record))
            .ProblemAsync((HttpStatusCode)422);
        Assert.Contains(
            "\"Cantarell\" is neither bundled nor uploaded", unknown.Str("detail"), StringComparison.Ordinal);

        // The maxp table renamed: the file still looks like a font, but no reader finds its glyphs.
        var broken = cantarell.ToArray();
        var maxp = broken.AsSpan(0, 12 + 16 * 12).IndexOf("maxp"u8);
        "maxq"u8.CopyTo(broken.AsSpan(maxp));
        await UploadFontAsync(branded.Str("assetFolderId"), broken, "broken.otf");
        var problem = await (await _admin.PostJsonAsync($"/document/communications/{branded.Str("id")}/pdf", record))
            .ProblemAsync((HttpStatusCode)422);
        Assert.Contains("broken.otf", problem.Str("detail"), StringComparison.Ordinal);
    }

    private async Task UploadFontAsync(string folder, byte[] font, string name)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("font"), "kind" }, { new StringContent(folder), "folderId" },
        };
        var file = new ByteArrayContent(font);
        file.Headers.ContentType = new MediaTypeHeaderValue(name.EndsWith(".woff", StringComparison.Ordinal)
            ? "font/woff"
            : "font/otf");
        form.Add(file, "file", name);
        await (await _admin.PostAsync("/assets", form)).JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_batch_makes_a_zip_and_a_duplex_print_file_with_its_manifest_and_lists_failed_records()
    {
        var id = await DocumentAsync(fileName: "letter-{{ ref }}.pdf");
        var records = new object[]
        {
            new { name = "Ann", @ref = "R-1", vip = true },
            new { name = "Bob", @ref = "東京", vip = false },
            new { name = "Cy", @ref = "R-3", vip = false },
        };

        var accepted = await (await _admin.PostJsonAsync($"/document/communications/{id}/batches",
            new { records, output = "both", duplex = true, pageCodes = true })).JsonAsync(HttpStatusCode.Accepted);
        var batch = accepted.Str("id");
        await RunJobsAsync();
        var done = await (await _admin.GetAsync($"/document/batches/{batch}")).JsonAsync();

        Assert.Equal("succeeded", done.Str("state"));
        Assert.Equal(3, done.GetProperty("records").GetInt32());
        Assert.Equal(2, done.GetProperty("made").GetInt32());
        var failure = Assert.Single(done.GetProperty("failures").EnumerateArray());
        Assert.Equal("2", failure.Str("record"));
        Assert.Contains("barcode", failure.Str("reason"), StringComparison.Ordinal);
        var files = done.GetProperty("files").EnumerateArray().ToDictionary(f => f.Str("name"), f => f.Str("url"));
        Assert.Equal(["documents.zip", "manifest.json", "print.pdf"], files.Keys.Order());

        using (var zip = new ZipArchive(new MemoryStream(await _admin.GetByteArrayAsync(files["documents.zip"]))))
        {
            Assert.Equal(["letter-R-1.pdf", "letter-R-3.pdf"], zip.Entries.Select(e => e.Name).Order());
        }

        var print = await _admin.GetByteArrayAsync(files["print.pdf"]);
        Assert.Equal(3, await PdfReaders.PagesAsync(print));
        var text = await PdfReaders.TextAsync(print);
        Assert.True(
            text.IndexOf("Hello Ann", StringComparison.Ordinal) < text.IndexOf("Hello Cy", StringComparison.Ordinal));
        var manifest = JsonDocument.Parse(await _admin.GetByteArrayAsync(files["manifest.json"])).RootElement;
        Assert.Equal([1, 3], manifest.EnumerateArray().Select(e => e.GetProperty("firstPage").GetInt32()));
        Assert.Equal(["1", "3"], manifest.EnumerateArray().Select(e => e.Str("recordId")));

        using var range = new HttpRequestMessage(HttpMethod.Get, files["print.pdf"]);
        range.Headers.Range = new RangeHeaderValue(0, 99);
        var partial = await _admin.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(print[..100], await partial.Content.ReadAsByteArrayAsync());

        _host.Clock.Advance(TimeSpan.FromDays(8));
        using var later = await _acme.AdminAsync();
        var expired = await later.GetAsync(files["print.pdf"]);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.True((await (await later.GetAsync($"/document/batches/{batch}")).JsonAsync()).GetProperty("expired")
            .GetBoolean());
    }

    [Fact]
    public async Task A_batch_over_a_data_source_makes_the_records_asked_for()
    {
        using var form = new MultipartFormDataContent { { new StringContent("Members"), "name" } };
        var csv = new ByteArrayContent(Encoding.UTF8.GetBytes("email,name,ref,vip\nann@example.org,Ann,R-1,true\n"
            + "bob@example.org,Bob,R-2,false\ncy@example.org,Cy,R-3,true\n"));
        csv.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(csv, "file", "members.csv");
        var source = (await (await _admin.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");
        var id = await DocumentAsync(fileName: "{{ ref }}");

        var batch = (await (await _admin.PostJsonAsync($"/document/communications/{id}/batches",
            new { dataSourceId = source, where = new Dictionary<string, string> { ["vip"] = "True" }, output = "zip" }))
            .JsonAsync(HttpStatusCode.Accepted)).Str("id");
        await RunJobsAsync();
        var done = await (await _admin.GetAsync($"/document/batches/{batch}")).JsonAsync();

        Assert.Equal(2, done.GetProperty("made").GetInt32());
        var url = done.GetProperty("files")[0].Str("url");
        using var zip = new ZipArchive(new MemoryStream(await _admin.GetByteArrayAsync(url)));
        Assert.Equal(["R-1.pdf", "R-3.pdf"], zip.Entries.Select(e => e.Name).Order());
    }

    [Fact]
    public async Task An_email_attaches_a_pdf_made_for_each_recipient_and_a_foreign_document_fails_the_send()
    {
        await TestSenders.VerifyAsync(_host, _admin, _smtp, "letters@acme.example");
        var document = await DocumentAsync(fileName: "letter-{{ ref }}.pdf");
        var email = (await (await _admin.PostJsonAsync($"/projects/{_project}/communications", new
        {
            name = "Cover", channel = "email",
            content = new { subject = "Your letter", html = "<p>Hi {{ name }}, your letter is attached.</p>",
                documents = new[] { document } },
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
        using var form = new MultipartFormDataContent { { new StringContent("People"), "name" } };
        var csv = new ByteArrayContent(Encoding.UTF8.GetBytes(
            "email,name,ref,vip\nann@example.org,Ann,R-1,true\nbob@example.org,Bob,R-2,false\n"));
        csv.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(csv, "file", "people.csv");
        var source = (await (await _admin.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");
        var campaign = (await (await _admin.PostJsonAsync("/campaigns", new { projectId = _project, name = "Letters" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");

        var before = _smtp.Received.Count;
        await (await _admin.PostJsonAsync($"/campaigns/{campaign}/sends", new
        {
            communicationId = email, dataSourceId = source, addressField = "email", sender = "letters@acme.example",
        })).JsonAsync(HttpStatusCode.Accepted);
        await RunJobsAsync();
        await _smtp.WaitForAsync(before + 2);

        foreach (var message in _smtp.Received.Skip(before))
        {
            var ann = message.To.Mailboxes.Single().Address.StartsWith("ann", StringComparison.Ordinal);
            var name = ann ? "Ann" : "Bob";
            var part = Assert.Single(message.Attachments.OfType<MimePart>());
            Assert.Equal(name == "Ann" ? "letter-R-1.pdf" : "letter-R-2.pdf", part.FileName);
            using var bytes = new MemoryStream();
            await part.Content!.DecodeToAsync(bytes);
            Assert.Contains($"Hello {name}", await PdfReaders.TextAsync(bytes.ToArray()), StringComparison.Ordinal);
        }

        var globex = await _host.CreateAccountAsync("Globex Corporation");
        using var other = await globex.AdminAsync();
        var otherProject = (await (await other.PostJsonAsync("/projects", new { name = "Theirs" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        var foreign = (await (await other.PostJsonAsync($"/projects/{otherProject}/communications", new
        {
            name = "Cover", channel = "email",
            content = new { subject = "Yours", html = "<p>Hi</p>", documents = new[] { document } },
        })).JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await other.PostJsonAsync($"/document/communications/{document}/pdf", new { record = new { } }))
            .ProblemAsync(HttpStatusCode.NotFound);
        await TestSenders.VerifyAsync(_host, other, _smtp, "news@globex.example");
        var theirSource = await UploadAsync(other, "email,name\nzed@example.org,Zed\n");
        var theirCampaign = (await (await other.PostJsonAsync("/campaigns",
            new { projectId = otherProject, name = "X" })).JsonAsync(HttpStatusCode.Created)).Str("id");
        var send = (await (await other.PostJsonAsync($"/campaigns/{theirCampaign}/sends", new
        {
            communicationId = foreign, dataSourceId = theirSource, addressField = "email",
            sender = "news@globex.example",
        })).JsonAsync(HttpStatusCode.Accepted)).Str("id");
        await RunJobsAsync();
        var failed = await (await other.GetAsync($"/campaigns/sends/{send}")).JsonAsync();
        Assert.Equal("failed", failed.Str("state"));
        Assert.Contains("not a document communication of the team", failed.Str("error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transactional_call_attaches_the_pdf_made_from_its_record()
    {
        await TestSenders.VerifyAsync(_host, _admin, _smtp, "receipts@acme.example");
        var document = await DocumentAsync(fileName: "receipt-{{ ref }}.pdf");
        await (await _admin.PostJsonAsync($"/projects/{_project}/communications", new
        {
            name = "Receipt", channel = "email",
            content = new { subject = "Your receipt", html = "<p>Hi {{ name }}</p>", documents = new[] { document } },
        })).JsonAsync(HttpStatusCode.Created);
        var before = _smtp.Received.Count;

        await (await _admin.PostJsonAsync("/campaigns/v2/Receipts/transactional", new Dictionary<string, object?>
        {
            ["communication"] = "Receipt", ["project"] = "Letters", ["email_json_path"] = "email",
            ["sender"] = "receipts@acme.example",
            ["dataset"] = new[] { new { email = "dee@example.org", name = "Dee", @ref = "T-7", vip = true } },
        })).JsonAsync();
        await RunJobsAsync();
        await _smtp.WaitForAsync(before + 1);

        var message = _smtp.Received.Skip(before).Single();
        var part = Assert.Single(message.Attachments.OfType<MimePart>());
        Assert.Equal("receipt-T-7.pdf", part.FileName);
        using var bytes = new MemoryStream();
        await part.Content!.DecodeToAsync(bytes);
        Assert.Contains("Hello Dee", await PdfReaders.TextAsync(bytes.ToArray()), StringComparison.Ordinal);
    }

    private static async Task<string> UploadAsync(HttpClient client, string csv)
    {
        using var form = new MultipartFormDataContent { { new StringContent("Source " + Guid.NewGuid()), "name" } };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "people.csv");
        return (await (await client.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");
    }
}

public sealed class DocumentChannelOnSqlite() : DocumentChannelTests(Provider.Sqlite);

public sealed class DocumentChannelOnPostgres() : DocumentChannelTests(Provider.Postgres);
