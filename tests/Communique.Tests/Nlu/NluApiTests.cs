using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Communique.Assets.Storage;
using Communique.Jobs;
using Communique.Nlu;
using Communique.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Communique.Tests.Nlu;

// The nlu group end to end: models, intents, entities, import and export, training versions with the real encoder,
// activation and rollback, parsing with entities, and bad input.
public abstract class NluApiTests(Provider provider) : IAsyncLifetime
{
    private static readonly string[] CitySynonyms = ["NYC", "big apple"];
    private static readonly string[] UnknownBuiltIns = ["colour"];

    private readonly BodyMeter _bodies = new();
    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;

    // A small part of CLINC150 (Larson et al. 2019, CC BY 3.0; see Data/README.md): five intents, 40 utterances each,
    // and 30 out-of-scope queries as the intent out_of_scope.
    private static readonly string Sample =
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Nlu", "Data", "clinc150-sample.csv"));

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync(provider,
            services: services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(_bodies));
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<string> ModelAsync(string name = "Assistant")
    {
        var model = await CreateModelAsync(name);
        var imported = await (await _admin.PostAsync($"/nlu/models/{model}/import", Csv(Sample))).JsonAsync();
        Assert.Equal(
            (6, 230), (imported.GetProperty("intents").GetInt32(), imported.GetProperty("utterances").GetInt32()));
        return model;
    }

    private async Task<string> CreateModelAsync(string name) =>
        (await (await _admin.PostJsonAsync("/nlu/models", new { name })).JsonAsync(HttpStatusCode.Created)).Str("id");

    private static StringContent Csv(string csv) => new(csv, Encoding.UTF8, "text/csv");

    private async Task<JsonElement> TrainAsync(string model)
    {
        var version = await (await _admin.PostAsync($"/nlu/models/{model}/versions", null))
            .JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("training", version.Str("state"));
        Assert.True(await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None));
        var number = version.GetProperty("number").GetInt32();
        return await (await _admin.GetAsync($"/nlu/models/{model}/versions/{number}")).JsonAsync();
    }

    private async Task<JsonElement> ParseAsync(string model, string text) =>
        await (await _admin.PostJsonAsync($"/nlu/models/{model}/parse", new { text })).JsonAsync();

    [Fact]
    public async Task A_trained_version_parses_intents_entities_and_out_of_scope_and_an_older_one_can_be_reactivated()
    {
        var model = await ModelAsync();
        await (await _admin.PostJsonAsync($"/nlu/models/{model}/entities", new
        {
            name = "city", kind = "list", values = new[] { new { value = "New York", synonyms = CitySynonyms } },
        })).JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync($"/nlu/models/{model}/parse", new { text = "what is my balance" }))
            .ProblemAsync(HttpStatusCode.Conflict);

        var first = await TrainAsync(model);
        Assert.Equal("ready", first.Str("state"));
        var metrics = first.GetProperty("metrics");
        Assert.Equal(5, metrics.GetProperty("intents").GetInt32());
        Assert.Equal(30, metrics.GetProperty("outOfScopeExamples").GetInt32());
        Assert.InRange(first.GetProperty("threshold").GetDouble(), 0, 1);
        await (await _admin.PostAsync($"/nlu/models/{model}/versions/1/activate", null)).JsonAsync();

        var flight = await ParseAsync(model, "book me a flight to NYC for 2 people tomorrow");
        Assert.False(flight.GetProperty("outOfScope").GetBoolean());
        Assert.Equal("book_flight", flight.GetProperty("intent").Str("name"));
        Assert.Equal(1, flight.GetProperty("version").GetInt32());
        var entities = flight.GetProperty("entities").EnumerateArray()
            .ToDictionary(e => e.Str("entity"), e => (e.Str("raw"), e.Str("value")));
        Assert.Equal(("NYC", "New York"), entities["city"]);
        Assert.Equal(("2", "2"), entities["number"]);
        Assert.Equal(("tomorrow", "2026-11-28"), entities["date"]);
        Assert.True(flight.GetProperty("ranking").GetArrayLength() >= 2);

        const string Rain = "will it rain in paris this weekend";
        Assert.Equal("weather", (await ParseAsync(model, Rain)).GetProperty("intent").Str("name"));
        var unicode = await ParseAsync(model, "Wie ist das Wetter in Zürich 🌧️ 天气 погода?");
        Assert.Equal("Wie ist das Wetter in Zürich 🌧️ 天气 погода?", unicode.Str("text"));

        // Editing the data changes no version; a second version, then a rollback to the first.
        var weather = (await (await _admin.GetAsync($"/nlu/models/{model}/intents")).JsonAsync())
            .GetProperty("items").EnumerateArray()
            .Single(i => i.Str("name") == "weather").Str("id");
        (await _admin.DeleteAsync($"/nlu/models/{model}/intents/{weather}")).EnsureSuccessStatusCode();
        Assert.Equal("weather", (await ParseAsync(model, Rain)).GetProperty("intent").Str("name"));
        var second = await TrainAsync(model);
        Assert.Equal(4, second.GetProperty("metrics").GetProperty("intents").GetInt32());
        await (await _admin.PostAsync($"/nlu/models/{model}/versions/2/activate", null)).JsonAsync();
        var without = await ParseAsync(model, Rain);
        Assert.Equal(2, without.GetProperty("version").GetInt32());
        Assert.DoesNotContain(without.GetProperty("ranking").EnumerateArray(), r => r.Str("name") == "weather");
        await (await _admin.PostAsync($"/nlu/models/{model}/versions/1/activate", null)).JsonAsync();
        var rolledBack = await ParseAsync(model, Rain);
        Assert.Equal(1, rolledBack.GetProperty("version").GetInt32());
        Assert.Equal("weather", rolledBack.GetProperty("intent").Str("name"));

        // Another process would load the version from the database and blob store: the same answer.
        _host.Service<NluModelCache>().Forget(Guid.Parse(model));
        Assert.Equal(
            rolledBack.GetProperty("inScopeConfidence").GetDouble(),
            (await ParseAsync(model, Rain)).GetProperty("inScopeConfidence").GetDouble());
        var versions = (await (await _admin.GetAsync($"/nlu/models/{model}/versions")).JsonAsync())
            .EnumerateArray().ToList();
        Assert.Equal([2, 1], versions.Select(v => v.GetProperty("number").GetInt32()));
        Assert.True(versions[1].GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Models_intents_and_entities_are_edited_imported_and_exported()
    {
        var model = await CreateModelAsync("Helpdesk");
        await (await _admin.PostJsonAsync("/nlu/models", new { name = "Helpdesk" }))
            .ProblemAsync(HttpStatusCode.Conflict);
        var renamed = await (await _admin.PutAsJsonAsync(
            $"/nlu/models/{model}", new { name = "Service desk", threshold = 0.3 })).JsonAsync();
        Assert.Equal(("Service desk", 0.3), (renamed.Str("name"), renamed.GetProperty("threshold").GetDouble()));

        var intent = await (await _admin.PostJsonAsync($"/nlu/models/{model}/intents", new
        {
            name = "reset_password",
            utterances = new object[]
            {
                new { text = "I forgot my password" },
                new { text = "réinitialiser mon mot de passe", language = "fr" },
            },
        })).JsonAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync($"/nlu/models/{model}/intents", new { name = "reset_password" }))
            .ProblemAsync(HttpStatusCode.Conflict);
        var edited = await (await _admin.PutAsJsonAsync($"/nlu/models/{model}/intents/{intent.Str("id")}", new
        {
            utterances = new[] { new { text = "reset my password" } },
        })).JsonAsync();
        Assert.Equal(
            ["reset my password"], edited.GetProperty("utterances").EnumerateArray().Select(u => u.Str("text")));

        await (await _admin.PostJsonAsync(
                $"/nlu/models/{model}/entities", new { name = "ticket", kind = "regex", pattern = "TCK-[0-9]{4,8}" }))
            .JsonAsync(HttpStatusCode.Created);
        var import = Csv("text,intent\n\"where is my ticket, please\",ticket_status\n=cmd(),ticket_status\n");
        await (await _admin.PostAsync($"/nlu/models/{model}/import", import)).JsonAsync();
        var csv = await (await _admin.GetAsync($"/nlu/models/{model}/export?format=csv")).Content.ReadAsStringAsync();
        Assert.Equal(
            "text,intent\nreset my password,reset_password\n"
            + "\"where is my ticket, please\",ticket_status\n'=cmd(),ticket_status\n",
            csv);

        var json = await (await _admin.GetAsync($"/nlu/models/{model}/export")).JsonAsync();
        Assert.Equal(
            ["reset_password", "ticket_status"],
            json.GetProperty("intents").EnumerateArray().Select(i => i.Str("name")));
        Assert.Equal("TCK-[0-9]{4,8}", json.GetProperty("entities")[0].Str("pattern"));

        // Replacing with the export of another model's data.
        var other = await CreateModelAsync("Copy");
        await (await _admin.PostAsync($"/nlu/models/{other}/import?mode=replace", JsonContent.Create(json)))
            .JsonAsync();
        var copied = await (await _admin.GetAsync($"/nlu/models/{other}/export")).JsonAsync();
        Assert.Equal(json.GetRawText(), copied.GetRawText());

        (await _admin.DeleteAsync($"/nlu/models/{other}")).EnsureSuccessStatusCode();
        await (await _admin.GetAsync($"/nlu/models/{other}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    // The blob store keeps identical bytes once, whoever stored them: an asset uploaded with the bytes of a version's
    // training data and then deleted must not take the version's blob with it.
    [Fact]
    public async Task Deleting_an_asset_with_the_bytes_of_a_model_version_keeps_the_version_readable()
    {
        var model = await ModelAsync();
        Assert.Equal("ready", (await TrainAsync(model)).Str("state"));
        var hash = await _host.WithDbAsync(db =>
            db.NluModelVersions.IgnoreQueryFilters().Select(v => v.DataHash).SingleAsync());
        using var bytes = new MemoryStream();
        await using (var blob = (await _host.Service<IBlobStore>().OpenReadAsync(hash, CancellationToken.None))!)
        {
            await blob.CopyToAsync(bytes);
        }

        using var form = new MultipartFormDataContent { { new StringContent("attachment"), "kind" } };
        var file = new ByteArrayContent(bytes.ToArray());
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", "training.json");
        var asset = await (await _admin.PostAsync("/assets", form)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(hash, asset.Str("sha256"));
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/assets/{asset.Str("id")}")).StatusCode);

        await (await _admin.PostAsync($"/nlu/models/{model}/versions/1/activate", null)).JsonAsync();
        var parsed = await ParseAsync(model, "book me a flight to Paris tomorrow");
        Assert.Equal("book_flight", parsed.GetProperty("intent").Str("name"));
        Assert.True(await _host.Service<IBlobStore>().ExistsAsync(hash, CancellationToken.None));
    }

    [Fact]
    public async Task A_version_still_training_is_cancelled_through_its_own_endpoint()
    {
        var model = await ModelAsync();
        var version = await (await _admin.PostAsync($"/nlu/models/{model}/versions", null))
            .JsonAsync(HttpStatusCode.Accepted);
        var job = version.Str("jobId");

        var elsewhere = await (await _admin.PostAsync($"/jobs/{job}/cancel", null))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal($"POST /nlu/models/{model}/versions/1/cancel", elsewhere.Str("cancelWith"));
        var cancelled = await (await _admin.PostAsync($"/nlu/models/{model}/versions/1/cancel", null)).JsonAsync();

        Assert.Equal(("failed", "Cancelled."), (cancelled.Str("state"), cancelled.Str("error")));
        Assert.Equal("cancelled", (await (await _admin.GetAsync($"/jobs/{job}")).JsonAsync()).Str("state"));
        Assert.False(await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None));
        await (await _admin.PostAsync($"/nlu/models/{model}/versions/1/cancel", null))
            .ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_import_past_its_limit_is_refused_without_being_read_to_its_end()
    {
        var created = await (await _admin.PostJsonAsync("/nlu/models", new { name = "Big" }))
            .JsonAsync(HttpStatusCode.Created);
        var model = created.Str("id");
        using var body = new ChunkedBody(NluTrainingData.MaxImportBytes + 16L * 1024 * 1024);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        // The test server's own client: the factory's client buffers a body whole to replay it on a redirect.
        using var client = _host.Server.CreateClient();
        foreach (var (name, values) in _admin.DefaultRequestHeaders)
        {
            client.DefaultRequestHeaders.Add(name, values);
        }

        await (await client.PostAsync($"/nlu/models/{model}/import", body))
            .ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.InRange(_bodies.LargestRead, NluTrainingData.MaxImportBytes, NluTrainingData.MaxImportBytes + 64 * 1024);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_problem_naming_it()
    {
        var model = await CreateModelAsync("Bad");
        var entities = $"/nlu/models/{model}/entities";
        var broken = await (await _admin.PostJsonAsync(
                entities, new { name = "code", kind = "regex", pattern = "([a-z" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(broken.GetProperty("errors").TryGetProperty("pattern", out _));
        await (await _admin.PostJsonAsync(entities, new { name = "behind", kind = "regex", pattern = "(?<=a)b" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostJsonAsync(entities, new { name = "number", kind = "regex", pattern = "[0-9]+" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostJsonAsync(
                entities, new { name = "colour", kind = "list", values = Array.Empty<object>() }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        // Training needs two intents, each with utterances.
        var versions = $"/nlu/models/{model}/versions";
        var intents = $"/nlu/models/{model}/intents";
        var none = await (await _admin.PostAsync(versions, null)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(
            "no intents", none.GetProperty("errors").GetProperty("intents")[0].GetString(), StringComparison.Ordinal);
        await (await _admin.PostJsonAsync(
                intents, new { name = "greet", utterances = new[] { new { text = "hello" } } }))
            .JsonAsync(HttpStatusCode.Created);
        var one = await (await _admin.PostAsync(versions, null)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(
            "'greet'", one.GetProperty("errors").GetProperty("intents")[0].GetString(), StringComparison.Ordinal);
        await (await _admin.PostJsonAsync(intents, new { name = "bye" })).JsonAsync(HttpStatusCode.Created);
        var empty = await (await _admin.PostAsync(versions, null)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(
            "bye", empty.GetProperty("errors").GetProperty("intents")[0].GetString(), StringComparison.Ordinal);

        await (await _admin.PostJsonAsync(intents, new { name = "has space" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostJsonAsync(intents, new { name = "x", utterances = new[] { new { text = " " } } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var import = $"/nlu/models/{model}/import";
        await (await _admin.PostAsync(import, Csv("words\nhello\n"))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostAsync(import, new StringContent("{\"intents\":", Encoding.UTF8, "application/json")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PutAsJsonAsync($"/nlu/models/{model}", new { threshold = 1.5 }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PutAsJsonAsync($"/nlu/models/{model}", new { builtIns = UnknownBuiltIns }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        // Parsing: no ready version, empty, whitespace, too long.
        var parse = $"/nlu/models/{model}/parse";
        await (await _admin.PostJsonAsync(parse, new { text = "hello" })).ProblemAsync(HttpStatusCode.Conflict);
        await (await _admin.PostJsonAsync(parse, new { text = "" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostJsonAsync(parse, new { text = " \t\n" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostJsonAsync(parse, new { text = new string('a', 100 * 1024) }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await _admin.PostAsync($"{versions}/1/activate", null)).ProblemAsync(HttpStatusCode.NotFound);

        // Another team's model does not exist.
        var other = await (await _host.CreateAccountAsync("Other Corp")).AdminAsync();
        await (await other.GetAsync($"/nlu/models/{model}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostJsonAsync(parse, new { text = "hello" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.PostJsonAsync(intents, new { name = "steal" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/nlu/models/{model}/export")).ProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class NluApiOnSqlite() : NluApiTests(Provider.Sqlite);

public sealed class NluApiOnPostgres() : NluApiTests(Provider.Postgres);
