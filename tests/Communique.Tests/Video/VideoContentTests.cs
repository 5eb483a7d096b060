using System.Net;
using System.Text.Json;
using Communique.Data;
using Communique.Rendering;
using Communique.Tenancy;
using Communique.Tests.Infrastructure;
using Communique.Video;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace Communique.Tests.Video;

// A video communication's content as saved through the API: what is kept, what is refused and where, and the plan a
// record's data makes of it (the text filled in and fitted inside its box).
public abstract class VideoContentTests(Provider provider) : IAsyncLifetime
{
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private TestHost _host = null!;
    private HttpClient _admin = null!;
    private string _project = null!;
    private Guid _teamId;

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync(provider);
        var acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await acme.AdminAsync();
        _teamId = acme.TeamId;
        _project = (await (await _admin.PostJsonAsync("/projects", new { name = "Films" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    private static object Text(string text, int x = 40, int y = 40, int width = 560, int height = 120) => new
    {
        type = "text", text, x, y, width, height, size = 48, align = "center", start = 0.5, end = 3,
        @in = new { effect = "fade", duration = 0.5 },
    };

    private static object Content(object layer, object? background = null) => new
    {
        width = 640, height = 360, frameRate = 25,
        scenes = new[]
        {
            new { duration = 4, background = background ?? new { colour = "#102030" }, layers = new[] { layer } },
        },
        ctas = new[] { new { label = "Book, {{ NAME }}", url = "https://shop.example/{{ uuid }}", start = 2, x = 220,
            y = 280, width = 200, height = 50 } },
    };

    private Task<HttpResponseMessage> CreateAsync(object content) =>
        _admin.PostJsonAsync($"/projects/{_project}/communications", new
        {
            name = "Welcome " + Guid.NewGuid().ToString("N")[..6], channel = "video", content,
        });

    [Fact]
    public async Task A_video_communication_keeps_its_scenes_layers_and_buttons()
    {
        var created = await (await CreateAsync(Content(Text("Hello {{ NAME }}")))).JsonAsync(HttpStatusCode.Created);
        var content = created.GetProperty("content");
        Assert.Equal((640, 360, 25), (content.GetProperty("width").GetInt32(), content.GetProperty("height").GetInt32(),
            content.GetProperty("frameRate").GetInt32()));
        var layer = content.GetProperty("scenes")[0].GetProperty("layers")[0];
        Assert.Equal(("text", "Hello {{ NAME }}", "fade"), (layer.Str("type"), layer.Str("text"),
            layer.GetProperty("in").Str("effect")));
        Assert.Equal("Book, {{ NAME }}", content.GetProperty("ctas")[0].Str("label"));

        var empty = await (await _admin.PostJsonAsync($"/projects/{_project}/communications",
            new { name = "Blank", channel = "video" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(1, empty.GetProperty("content").GetProperty("scenes").GetArrayLength());
    }

    [Fact]
    public async Task Content_that_cannot_play_is_refused_with_the_path_of_each_fault()
    {
        async Task<JsonElement> RefusedAsync(object content) =>
            (await (await CreateAsync(content)).ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");

        var outside = await RefusedAsync(Content(Text("Hi", x: 600, width: 100)));
        Assert.Contains("not inside the 640 by 360 frame",
            outside.GetProperty("content.scenes[0].layers[0].x")[0].GetString(), StringComparison.Ordinal);

        var liquid = await RefusedAsync(Content(Text("Hi {{ NAME ")));
        Assert.StartsWith("Line 1", liquid.GetProperty("content.scenes[0].layers[0].text")[0].GetString(),
            StringComparison.Ordinal);

        var unknown = await RefusedAsync(Content(Text("Hi"), new { image = Guid.NewGuid().ToString() }));
        Assert.Contains("No asset", unknown.GetProperty("content.scenes[0].background.image")[0].GetString(),
            StringComparison.Ordinal);

        var late = await RefusedAsync(new
        {
            width = 641, scenes = new[] { new { duration = 2, layers = new[] { new { type = "shape", x = 0, y = 0,
                width = 10, height = 10, start = 1, end = 3 } } } },
        });
        Assert.True(late.TryGetProperty("content.width", out _));
        Assert.Contains("scene's duration", late.GetProperty("content.scenes[0].layers[0].end")[0].GetString(),
            StringComparison.Ordinal);

        var none = await RefusedAsync(new { scenes = Array.Empty<object>() });
        Assert.True(none.TryGetProperty("content.scenes", out _));
    }

    [Fact]
    public async Task An_image_named_where_a_video_clip_belongs_is_refused_with_its_kind()
    {
        using var form = new MultipartFormDataContent { { new StringContent("image"), "kind" } };
        var file = new ByteArrayContent(Png);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "still.png");
        var image = await (await _admin.PostAsync("/assets", form)).JsonAsync(HttpStatusCode.Created);
        var refused = await (await CreateAsync(Content(Text("Hi"), new { video = image.Str("id") })))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal($"The asset '{image.Str("id")}' is an image, not a video.",
            refused.GetProperty("errors").GetProperty("content.scenes[0].background.video")[0].GetString());

        await (await CreateAsync(Content(Text("Hi"), new { image = image.Str("id"), zoom = 1.2 })))
            .JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Text_too_long_for_its_box_shrinks_and_wraps_inside_it()
    {
        var created = await (await CreateAsync(Content(Text(
            "Welcome back, {{ NAME }}! Your order of {{ ITEMS }} is on its way and will arrive tomorrow morning.",
            x: 100, y: 50, width: 300, height: 90)))).JsonAsync(HttpStatusCode.Created);
        await using var scope = _host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().EnterTeam(_teamId);
        var template = await _host.Service<VideoTemplates>().CurrentAsync(
            scope.ServiceProvider.GetRequiredService<AppDb>(), Guid.Parse(created.Str("id")), CancellationToken.None);
        var record = new Dictionary<string, object?>
        {
            ["NAME"] = "Maximiliana Featherstonehaugh", ["ITEMS"] = "twelve", ["uuid"] = "u-1",
        };
        var (plan, failure) = await _host.Service<VideoPlanner>().PlanAsync(template!, record,
            new RenderOptions { Culture = System.Globalization.CultureInfo.InvariantCulture }, CancellationToken.None);
        Assert.Null(failure);
        var layer = Assert.Single(plan!.Layers);
        Assert.True(layer.Size < 48, $"the size stayed {layer.Size}");
        Assert.True(layer.Lines!.Count > 1);
        Assert.Contains("Maximiliana", string.Join(" ", layer.Lines.Select(l => l.Text)), StringComparison.Ordinal);
        using var font = new SKFont(VideoFonts.Typeface(layer.Font!), (float)layer.Size!.Value);
        foreach (var line in layer.Lines)
        {
            Assert.InRange(line.X, 100 - 0.01, 400);
            Assert.True(line.X + font.MeasureText(line.Text) <= 400.01, $"'{line.Text}' runs past the box");
            Assert.InRange(line.Y + font.Metrics.Ascent, 50 - 0.01, 140);
            Assert.InRange(line.Y + font.Metrics.Descent, 50, 140.01);
        }

        Assert.Equal((0.5, 3.0), (layer.Start, layer.End));
        Assert.Equal("https://shop.example/u-1", Assert.Single(plan.Ctas).Url);
        Assert.Equal("Book, Maximiliana Featherstonehaugh", plan.Ctas[0].Label);
        Assert.Contains("Maximiliana", Assert.Single(plan.Captions).Text, StringComparison.Ordinal);
    }
}

public sealed class VideoContentOnSqlite() : VideoContentTests(Provider.Sqlite);

public sealed class VideoContentOnPostgres() : VideoContentTests(Provider.Postgres);
