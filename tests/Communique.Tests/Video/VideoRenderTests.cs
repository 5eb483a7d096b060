using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Communique.Assets;
using Communique.Assets.Storage;
using Communique.Data;
using Communique.Jobs;
using Communique.Tenancy;
using Communique.Tests.Infrastructure;
using Communique.Video;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SkiaSharp;

namespace Communique.Tests.Video;

// A record's video rendered with ffmpeg and its poster, as a recipient's address serves them, and renders made ahead
// of time for a campaign; each file checked with ffprobe, ffmpeg and tesseract.
public abstract class VideoRenderTests(Provider provider) : IAsyncLifetime
{
    private static readonly SKColor Background = new(0x10, 0x20, 0x30);
    private static readonly SKColor Red = new(0xe0, 0x10, 0x10);

    private readonly string _work = Directory.CreateTempSubdirectory("video-render-tests-").FullName;
    private TestHost _host = null!;
    private TestAccount _acme = null!;
    private HttpClient _admin = null!;
    private HttpClient _anonymous = null!;
    private string _project = null!;

    public async ValueTask InitializeAsync() => await StartAsync(null);

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        _anonymous.Dispose();
        await _host.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    private async Task StartAsync(string? allowedNetworks)
    {
        var settings = new Dictionary<string, string?> { ["Video:DownloadWaitSeconds"] = "0" };
        if (allowedNetworks is not null)
        {
            settings["Video:AllowedNetworks"] = allowedNetworks;
        }

        _host = await TestHost.StartAsync(provider, settings);
        _acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await _acme.AdminAsync();
        _anonymous = _host.CreateClient();
        _project = (await (await _admin.PostJsonAsync("/projects", new { name = "Films" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
    }

    private static object Content(object? background = null, object[]? extra = null) => new
    {
        width = 640, height = 360, frameRate = 25,
        scenes = new[]
        {
            new
            {
                duration = 4, background = background ?? new { colour = "#102030" },
                layers = new object[]
                {
                    new { type = "shape", x = 20, y = 20, width = 100, height = 60, colour = "#e01010" },
                    new
                    {
                        type = "text", text = "HELLO {{ NAME }}", x = 40, y = 120, width = 560, height = 100,
                        size = 56, bold = true, align = "center", start = 1.5, end = 4,
                        @in = new { effect = "fade", duration = 0.5 },
                    },
                }.Concat(extra ?? []).ToArray(),
            },
        },
        ctas = new[] { new { label = "Book now", url = "https://shop.example/{{ uuid }}", start = 1, x = 440,
            y = 290, width = 180, height = 50, colour = "#20a040" } },
    };

    private async Task<string> CommunicationAsync(object content) =>
        (await (await _admin.PostJsonAsync($"/projects/{_project}/communications", new
        {
            name = "Welcome " + Guid.NewGuid().ToString("N")[..6], channel = "video", content,
        })).JsonAsync(HttpStatusCode.Created)).Str("id");

    private static async Task<(string Source, List<string> Uuids)> DataAsync(HttpClient client, string csv)
    {
        using var form = new MultipartFormDataContent { { new StringContent("People"), "name" } };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "people.csv");
        var source = (await (await client.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");
        var page = await (await client.GetAsync($"/data/{source}/records?limit=50")).JsonAsync();
        return (source, page.GetProperty("items").EnumerateArray().Select(r => r.Str("uuid")).ToList());
    }

    private async Task<string> LinkAsync(string communication)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().EnterTeam(_acme.TeamId);
        var link = await VideoLinks.EnsureAsync(scope.ServiceProvider.GetRequiredService<AppDb>(),
            Guid.Parse(communication), CancellationToken.None);
        return link.Key;
    }

    private async Task RunJobsAsync()
    {
        for (var i = 0; i < 50 && await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None); i++)
        {
        }
    }

    private Task<List<VideoRender>> RendersAsync() =>
        _host.WithDbAsync(db => db.VideoRenders.IgnoreQueryFilters().AsNoTracking().OrderBy(r => r.Id).ToListAsync());

    private Task<List<Job>> JobsAsync(string kind) =>
        _host.WithDbAsync(db => db.Jobs.IgnoreQueryFilters().AsNoTracking().Where(j => j.Kind == kind).ToListAsync());

    private async Task<byte[]> RenderedAsync(string url)
    {
        var first = await _anonymous.GetAsync(url);
        if (first.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            Assert.NotNull(first.Headers.RetryAfter);
            await first.ProblemAsync(HttpStatusCode.ServiceUnavailable);
            await RunJobsAsync();
            first = await _anonymous.GetAsync(url);
        }

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("video/mp4", first.Content.Headers.ContentType?.MediaType);
        var bytes = await first.Content.ReadAsByteArrayAsync();
        await CheckAsync(await SaveAsync(bytes, $"{Guid.NewGuid():N}.mp4"));
        return bytes;
    }

    // What every rendered file must be, by ffprobe and by its atoms: H.264 (yuv420p) and AAC, fast start.
    private static async Task CheckAsync(string path)
    {
        var streams = (await MediaTools.ProbeAsync(path)).GetProperty("streams").EnumerateArray().ToList();
        Assert.Equal(["h264/yuv420p", "aac"], streams.Select(s => s.Str("codec_type") == "video"
            ? $"{s.Str("codec_name")}/{s.Str("pix_fmt")}"
            : s.Str("codec_name")));
        var atoms = MediaTools.TopLevelAtoms(await File.ReadAllBytesAsync(path));
        Assert.True(atoms.IndexOf("moov") >= 0 && atoms.IndexOf("moov") < atoms.IndexOf("mdat"),
            string.Join(",", atoms));
    }

    private async Task<string> SaveAsync(byte[] bytes, string name)
    {
        var path = Path.Combine(_work, name);
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }

    [Fact]
    public async Task A_recipients_video_is_an_h264_mp4_with_fast_start_and_their_name_when_its_layer_is_in()
    {
        var communication = await CommunicationAsync(Content());
        var (_, uuids) = await DataAsync(_admin, "email,NAME\nann@example.org,ZELDA\n");
        var url = $"/v/{await LinkAsync(communication)}/{uuids[0]}/video.mp4";
        var video = await SaveAsync(await RenderedAsync(url), "video.mp4");

        var probe = await MediaTools.ProbeAsync(video);
        var streams = probe.GetProperty("streams").EnumerateArray().ToList();
        var picture = streams.Single(s => s.Str("codec_type") == "video");
        var sound = streams.Single(s => s.Str("codec_type") == "audio");
        Assert.Equal(("h264", "yuv420p", 640, 360, "25/1"), (picture.Str("codec_name"), picture.Str("pix_fmt"),
            picture.GetProperty("width").GetInt32(), picture.GetProperty("height").GetInt32(),
            picture.Str("r_frame_rate")));
        Assert.Equal("aac", sound.Str("codec_name"));
        var duration = double.Parse(probe.GetProperty("format").Str("duration"),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(duration, 4 - 1 / 25.0, 4 + 1 / 25.0);
        var atoms = MediaTools.TopLevelAtoms(await File.ReadAllBytesAsync(video));
        Assert.True(atoms.IndexOf("moov") >= 0 && atoms.IndexOf("moov") < atoms.IndexOf("mdat"),
            string.Join(",", atoms));

        using var before = await MediaTools.FrameAsync(video, 1.0, Path.Combine(_work, "before.png"));
        using var after = await MediaTools.FrameAsync(video, 2.5, Path.Combine(_work, "after.png"));
        Assert.True(MediaTools.Near(after.GetPixel(70, 50), Red), $"{after.GetPixel(70, 50)}");
        Assert.True(MediaTools.Near(after.GetPixel(320, 30), Background), $"{after.GetPixel(320, 30)}");
        Assert.True(MediaTools.Near(after.GetPixel(530, 315), new SKColor(0x20, 0xa0, 0x40)));
        Assert.DoesNotContain("ZELDA", await MediaTools.OcrAsync(Path.Combine(_work, "before.png")),
            StringComparison.Ordinal);
        Assert.Contains("HELLO ZELDA", await MediaTools.OcrAsync(Path.Combine(_work, "after.png")),
            StringComparison.Ordinal);

        var render = Assert.Single(await RendersAsync());
        Assert.Equal((VideoRenderState.Ready, new FileInfo(video).Length), (render.State, render.Length));
        Assert.True(render.RenderMilliseconds > 0 && render.CompletedAt is not null);
        Assert.InRange(render.DurationSeconds, 3.99, 4.01);

        // Archived as the documents the product makes are: the render as the message of its job.
        var entries = await (await _admin.GetAsync("/archive/entries")).JsonAsync();
        var entry = Assert.Single(entries.GetProperty("items").EnumerateArray(), e => e.Str("channel") == "video");
        Assert.Equal((render.Id.ToString(), uuids[0], "video/mp4", render.Length),
            (entry.Str("messageId"), entry.Str("recordUuid"), entry.Str("contentType"),
                entry.GetProperty("size").GetInt64()));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            await File.ReadAllBytesAsync(video))), entry.Str("sha256"));
    }

    [Fact]
    public async Task The_same_record_reuses_its_render_a_download_is_an_attachment_and_ranges_are_served()
    {
        var communication = await CommunicationAsync(Content());
        var (_, uuids) = await DataAsync(_admin, "email,NAME\nann@example.org,Ann\n");
        var url = $"/v/{await LinkAsync(communication)}/{uuids[0]}/video.mp4";
        var whole = await RenderedAsync(url);

        using var download = await _anonymous.GetAsync(url + "?download");
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        using var ranged = new HttpRequestMessage(HttpMethod.Get, url);
        ranged.Headers.Range = new RangeHeaderValue(100, 199);
        using var part = await _anonymous.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(whole.AsSpan(100, 100).ToArray(), await part.Content.ReadAsByteArrayAsync());
        Assert.NotNull(part.Headers.ETag);

        Assert.Single(await RendersAsync());
        Assert.Single(await JobsAsync(VideoRenders.JobKind));
    }

    [Fact]
    public async Task A_change_of_the_records_data_makes_a_new_render()
    {
        var communication = await CommunicationAsync(Content());
        var (_, uuids) = await DataAsync(_admin, "email,NAME\nann@example.org,Ann\n");
        var url = $"/v/{await LinkAsync(communication)}/{uuids[0]}/video.mp4";
        await RenderedAsync(url);

        // The data sources' API replaces whole imports; changed values in place stand for a re-import that kept the
        // record's uuid.
        await _host.WithDbAsync(async db =>
        {
            var record = await db.DataRecords.IgnoreQueryFilters().SingleAsync(r => r.Uuid == Guid.Parse(uuids[0]));
            record.Values = record.Values.Replace("\"Ann\"", "\"Anna\"", StringComparison.Ordinal);
            return await db.SaveChangesAsync();
        });
        await RenderedAsync(url);

        var renders = await RendersAsync();
        Assert.Equal(2, renders.Count);
        Assert.All(renders, r => Assert.Equal(VideoRenderState.Ready, r.State));
        Assert.Contains("Anna", renders[1].Plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_poster_is_a_jpeg_with_a_play_button_drawn_once()
    {
        var communication = await CommunicationAsync(Content());
        var (_, uuids) = await DataAsync(_admin, "email,NAME\nann@example.org,Ann\n");
        var url = $"/v/{await LinkAsync(communication)}/{uuids[0]}/poster.jpg";

        using var first = await _anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("image/jpeg", first.Content.Headers.ContentType?.MediaType);
        Assert.True(first.Headers.CacheControl?.Public);
        var jpeg = await first.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xff, 0xd8, 0xff], jpeg[..3]);
        using var poster = SKBitmap.Decode(jpeg);
        Assert.Equal((640, 360), (poster.Width, poster.Height));
        // The triangle is white in the middle; the disc around it darkens the background; the shape is drawn.
        Assert.True(MediaTools.Near(poster.GetPixel(325, 180), SKColors.White), $"{poster.GetPixel(325, 180)}");
        var disc = poster.GetPixel(320, 180 - 35);
        Assert.True(disc.Red + disc.Green + disc.Blue < Background.Red + Background.Green + Background.Blue,
            $"{disc}");
        Assert.True(MediaTools.Near(poster.GetPixel(70, 50), Red));

        using var again = await _anonymous.GetAsync(url);
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Equal(jpeg, await again.Content.ReadAsByteArrayAsync());
        var render = Assert.Single(await RendersAsync());
        Assert.Equal(VideoRenderState.PosterOnly, render.State);
        Assert.Empty(await JobsAsync(VideoRenders.JobKind));

        // The video asked for later is queued on the same row, which keeps its poster.
        await RenderedAsync(url.Replace("poster.jpg", "video.mp4", StringComparison.Ordinal));
        render = Assert.Single(await RendersAsync());
        Assert.Equal((VideoRenderState.Ready, first.Headers.ETag!.Tag.Trim('"')), (render.State, render.PosterHash));
    }

    [Fact]
    public async Task An_unknown_uuid_or_another_teams_uuid_is_a_plain_404()
    {
        var communication = await CommunicationAsync(Content());
        await DataAsync(_admin, "email,NAME\nann@example.org,Ann\n");
        var key = await LinkAsync(communication);
        var other = await _host.CreateAccountAsync("Other Inc");
        using var otherAdmin = await other.AdminAsync();
        var (_, theirs) = await DataAsync(otherAdmin, "email,NAME\nbob@example.org,SECRETBOB\n");

        foreach (var url in new[]
        {
            $"/v/{key}/{Guid.NewGuid()}/video.mp4", $"/v/{key}/{theirs[0]}/video.mp4",
            $"/v/{key}/{theirs[0]}/poster.jpg", $"/v/{key}/{theirs[0]}/images/0", $"/v/nokey/{theirs[0]}/poster.jpg",
        })
        {
            using var response = await _anonymous.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("SECRETBOB", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(await RendersAsync());
    }

    [Fact]
    public async Task An_ffmpeg_failure_fails_the_job_with_its_reason_and_leaves_no_temporary_files()
    {
        // A video asset whose bytes are no media, stored directly: the upload, which probes media, would refuse it.
        var assetId = await StoreAssetAsync(AssetKind.Video, "video/mp4", Encoding.UTF8.GetBytes("not a video"));
        var communication = await CommunicationAsync(Content(new { video = assetId.ToString() }));
        var (_, uuids) = await DataAsync(_admin, "email,NAME\nann@example.org,Ann\n");
        var url = $"/v/{await LinkAsync(communication)}/{uuids[0]}/video.mp4";
        var before = Leftovers();

        await (await _anonymous.GetAsync(url)).ProblemAsync(HttpStatusCode.ServiceUnavailable);
        await RunJobsAsync();

        var render = Assert.Single(await RendersAsync());
        Assert.Equal(VideoRenderState.Failed, render.State);
        Assert.StartsWith("ffmpeg: ", render.Error, StringComparison.Ordinal);
        Assert.Contains("Invalid data found", render.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), render.Error, StringComparison.Ordinal);
        var job = Assert.Single(await JobsAsync(VideoRenders.JobKind));
        Assert.Equal((JobState.Dead, render.Error), (job.State, job.Error));
        Assert.Equal(before, Leftovers());
        var refused = await (await _anonymous.GetAsync(url)).ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.DoesNotContain("ffmpeg", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_background_render_mixes_its_audio_zooms_its_image_loops_its_clip_and_lasts_exactly_the_plan()
    {
        var image = await StoreAssetAsync(AssetKind.Image, "image/png", Png(SKColors.Orange));
        var clipPath = Path.Combine(_work, "clip.mp4");
        var (_, clipErrors, clipExit) = await MediaTools.RunAsync("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
            "color=c=0xc01020:s=320x240:d=1:r=25", "-f", "lavfi", "-i", "sine=frequency=880:duration=1", "-shortest",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", clipPath);
        Assert.True(clipExit == 0, clipErrors);
        var clip = await StoreAssetAsync(AssetKind.Video, "video/mp4", await File.ReadAllBytesAsync(clipPath));
        var tone = await StoreAssetAsync(AssetKind.Audio, "audio/wav",
            await File.ReadAllBytesAsync(await WavAsync()));
        var communication = await CommunicationAsync(new
        {
            width = 640, height = 360, frameRate = 30,
            scenes = new object[]
            {
                new { duration = 1.5, background = new { colour = "#102030" } },
                new { duration = 2, background = new { image = image.ToString(), zoom = 1.3 },
                    audio = new { asset = tone.ToString(), volume = 0.5 } },
                new { duration = 2.5, background = new { video = clip.ToString(), sound = true } },
            },
            audio = new { asset = tone.ToString() },
        });
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().EnterTeam(_acme.TeamId);
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            var template = await _host.Service<VideoTemplates>().CurrentAsync(db, Guid.Parse(communication),
                CancellationToken.None);
            var (plan, _) = await _host.Service<VideoPlanner>().PlanAsync(template!, new Dictionary<string, object?>(),
                new Communique.Rendering.RenderOptions
                {
                    Culture = System.Globalization.CultureInfo.InvariantCulture,
                }, CancellationToken.None);
            await VideoRenders.EnsureAsync(db, template!, plan!, null, CancellationToken.None);
        }

        await RunJobsAsync();
        var render = Assert.Single(await RendersAsync());
        Assert.True(render.State == VideoRenderState.Ready, render.Error);
        await using var blob = (await _host.Service<IBlobStore>().OpenReadAsync(render.VideoHash!,
            CancellationToken.None))!;
        using var copy = new MemoryStream();
        await blob.CopyToAsync(copy);
        var video = await SaveAsync(copy.ToArray(), "background.mp4");
        await CheckAsync(video);
        var probe = await MediaTools.ProbeAsync(video);
        var sound = probe.GetProperty("streams").EnumerateArray().Single(s => s.Str("codec_type") == "audio");
        Assert.Equal("aac", sound.Str("codec_name"));
        var duration = double.Parse(probe.GetProperty("format").Str("duration"),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(duration, 6 - 1 / 30.0, 6 + 1 / 30.0);
        var (_, volume, _) = await MediaTools.RunAsync("ffmpeg", "-v", "info", "-ss", "0.2", "-t", "1", "-i", video,
            "-af", "volumedetect", "-f", "null", "-");
        Assert.DoesNotContain("mean_volume: -91", volume, StringComparison.Ordinal);
        using var first = await MediaTools.FrameAsync(video, 0.5, Path.Combine(_work, "colour.png"));
        using var second = await MediaTools.FrameAsync(video, 3.0, Path.Combine(_work, "image.png"));
        Assert.True(MediaTools.Near(first.GetPixel(320, 180), Background));
        Assert.True(MediaTools.Near(second.GetPixel(320, 180), SKColors.Orange), $"{second.GetPixel(320, 180)}");
        // The one-second clip covers the frame, and plays again after its end.
        using var looped = await MediaTools.FrameAsync(video, 5.4, Path.Combine(_work, "clip.png"));
        Assert.True(MediaTools.Near(looped.GetPixel(20, 20), new SKColor(0xc0, 0x10, 0x20)),
            $"{looped.GetPixel(20, 20)}");
        var (_, clipVolume, _) = await MediaTools.RunAsync("ffmpeg", "-v", "info", "-ss", "4.6", "-t", "1", "-i", video,
            "-af", "volumedetect", "-f", "null", "-");
        Assert.DoesNotContain("mean_volume: -91", clipVolume, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_layer_from_a_loopback_url_is_refused_unless_its_network_is_allowed()
    {
        var green = Png(new SKColor(0x10, 0xc0, 0x10));
        await using var server = await ImageServer.StartAsync(green);
        foreach (var allowed in new[] { false, true })
        {
            if (allowed)
            {
                _admin.Dispose();
                _anonymous.Dispose();
                await _host.DisposeAsync();
                await StartAsync("127.0.0.0/8");
            }

            var communication = await CommunicationAsync(Content(extra:
            [
                new { type = "image", field = "PHOTO", x = 200, y = 230, width = 100, height = 100, fit = "cover" },
            ]));
            var (_, uuids) = await DataAsync(_admin, $"email,NAME,PHOTO\nann@example.org,Ann,{server.Url}\n");
            var key = await LinkAsync(communication);
            using var image = await _anonymous.GetAsync($"/v/{key}/{uuids[0]}/images/2");
            if (!allowed)
            {
                Assert.Equal(HttpStatusCode.NotFound, image.StatusCode);
                Assert.Equal(0, server.Requests);
                continue;
            }

            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
            Assert.Equal(green, await image.Content.ReadAsByteArrayAsync());
            var video = await SaveAsync(await RenderedAsync($"/v/{key}/{uuids[0]}/video.mp4"), "image.mp4");
            using var frame = await MediaTools.FrameAsync(video, 2, Path.Combine(_work, "layer.png"));
            Assert.True(MediaTools.Near(frame.GetPixel(250, 280), new SKColor(0x10, 0xc0, 0x10)),
                $"{frame.GetPixel(250, 280)}");
            // Fetched once for the player and the render alike.
            Assert.Equal(1, server.Requests);
        }
    }

    [Fact]
    public async Task Renders_ahead_of_time_for_a_data_source_are_listed_and_each_is_read()
    {
        var communication = await CommunicationAsync(Content());
        var (source, uuids) = await DataAsync(_admin,
            "email,NAME\nann@example.org,Ann\nbob@example.org,Bob\ncy@example.org,Cy\n");
        var batch = await (await _admin.PostJsonAsync($"/video/communications/{communication}/renders",
            new { dataSourceId = source })).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(VideoRenderBatchJob.Kind, batch.Str("kind"));
        await RunJobsAsync();

        var job = await (await _admin.GetAsync($"/jobs/{batch.Str("id")}")).JsonAsync();
        Assert.Equal("succeeded", job.Str("state"));
        var ready = await (await _admin.GetAsync($"/video/communications/{communication}/renders?state=ready"))
            .JsonAsync();
        var items = ready.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(uuids.Order(), items.Select(i => i.Str("recordUuid")).Order());
        Assert.All(items, i => Assert.True(i.GetProperty("length").GetInt64() > 0));
        var one = await (await _admin.GetAsync($"/video/renders/{items[0].Str("id")}")).JsonAsync();
        Assert.Equal("ready", one.Str("state"));

        // Asked again by uuid: nothing new is rendered.
        await (await _admin.PostJsonAsync($"/video/communications/{communication}/renders",
            new { uuids })).JsonAsync(HttpStatusCode.Accepted);
        await RunJobsAsync();
        Assert.Equal(3, (await RendersAsync()).Count);
        Assert.Equal(3, (await JobsAsync(VideoRenders.JobKind)).Count);

        var neither = await (await _admin.PostJsonAsync($"/video/communications/{communication}/renders", new { }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(neither.GetProperty("errors").TryGetProperty("dataSourceId", out _));
        await (await _admin.PostJsonAsync($"/video/communications/{communication}/renders",
            new { uuids = Enumerable.Range(0, 1001).Select(_ => Guid.NewGuid()) }))
            .ProblemAsync(HttpStatusCode.BadRequest);
    }

    private static HashSet<string> Leftovers() =>
        Directory.GetDirectories(Path.GetTempPath(), "communique-video-*").ToHashSet();

    private async Task<string> WavAsync()
    {
        var path = Path.Combine(_work, "tone.wav");
        var (_, errors, exit) = await MediaTools.RunAsync("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
            "sine=frequency=440:duration=2", path);
        Assert.True(exit == 0, errors);
        return path;
    }

    private static byte[] Png(SKColor colour)
    {
        using var bitmap = new SKBitmap(64, 48);
        bitmap.Erase(colour);
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Png, 100).ToArray();
    }

    // An asset row and its blob written directly, past the upload's checks.
    private async Task<Guid> StoreAssetAsync(AssetKind kind, string contentType, byte[] bytes)
    {
        var stored = (BlobPutResult.Stored)await _host.Service<IBlobStore>().PutAsync(new MemoryStream(bytes),
            long.MaxValue, CancellationToken.None);
        var created = await _admin.PostJsonAsync("/assets/folders",
            new { name = "Fixtures " + Guid.NewGuid().ToString("N")[..6] });
        var folder = Guid.Parse((await created.JsonAsync(HttpStatusCode.Created)).Str("id"));
        await using var scope = _host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().EnterTeam(_acme.TeamId);
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        var asset = new Asset
        {
            TeamId = _acme.TeamId, FolderId = folder, Name = $"fixture-{Guid.NewGuid():N}", Kind = kind,
            ContentType = contentType, Hash = stored.Hash, Length = stored.Length, CreatedAt = db.Now,
            UpdatedAt = db.Now,
        };
        db.Assets.Add(asset);
        db.AttachBlob(stored.Hash, BlobHolder.Asset, asset.Id);
        await db.SaveChangesAsync();
        return asset.Id;
    }

    // A loopback web server that serves one image and counts its requests.
    private sealed class ImageServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private ImageServer(WebApplication app) => _app = app;

        public string Url => _app.Urls.Single() + "/photo.png";

        public int Requests => Volatile.Read(ref _requests);

        public static async Task<ImageServer> StartAsync(byte[] png)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var server = new ImageServer(app);
            app.Run(context =>
            {
                Interlocked.Increment(ref server._requests);
                context.Response.ContentType = "image/png";
                return context.Response.Body.WriteAsync(png).AsTask();
            });
            await app.StartAsync(TestContext.Current.CancellationToken);
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync(TestContext.Current.CancellationToken);
            await _app.DisposeAsync();
        }
    }
}

public sealed class VideoRenderOnSqlite() : VideoRenderTests(Provider.Sqlite);

public sealed class VideoRenderOnPostgres() : VideoRenderTests(Provider.Postgres);
