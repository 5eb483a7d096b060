using System.Globalization;
using System.Net;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using PuppeteerSharp;
using SkiaSharp;

namespace Communique.Tests.Video;

// The two ways a video plays look the same: screenshots of the live player in Debian's chromium (the person's
// layers drawn by player.js over the shared background that the renderer made) against frames of the person's
// rendered MP4 taken by ffmpeg at the same moments, in the fades, the slide and after the button appears. The same
// comparison between two people's frames tells them apart, so it is fine enough to see a difference that matters.
[Collection(nameof(Browsers))]
public sealed class VideoSameLookTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    private readonly string _folder = Directory.CreateTempSubdirectory("communique-video-look-").FullName;
    private TestHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await TestHost.StartAsync(
        settings: new Dictionary<string, string?> { ["Video:DownloadWaitSeconds"] = "0" }, kestrel: true);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static object Content() => new
    {
        width = 640, height = 360, frameRate = 25,
        scenes = new object[]
        {
            new
            {
                duration = 2, background = new { colour = "#203a5c" },
                layers = new object[]
                {
                    new
                    {
                        type = "shape", shape = "rectangle", x = 20, y = 20, width = 600, height = 140, radius = 24,
                        colour = "#f4f1e8", start = 0, @in = new { effect = "fade", duration = 0.4 },
                    },
                    new
                    {
                        type = "text", text = "Hello {{ NAME }}", x = 40, y = 40, width = 560, height = 100,
                        size = 56, bold = true, align = "center", colour = "#1b2b3c", start = 0.2,
                        @in = new { effect = "fade", duration = 0.6 },
                    },
                },
            },
            new
            {
                duration = 2, background = new { colour = "#5c2038" },
                layers = new object[]
                {
                    new
                    {
                        type = "shape", shape = "ellipse", x = 480, y = 40, width = 120, height = 120,
                        colour = "#ffd23fcc",
                    },
                    new
                    {
                        type = "text", text = "Your code for {{ CITY }} is ready", x = 40, y = 180, width = 420,
                        height = 90, size = 40, colour = "#ffffff", font = "Liberation Serif", align = "left",
                        @in = new { effect = "slide-left", duration = 0.8 },
                    },
                },
            },
        },
        ctas = new[]
        {
            new { label = "Open it, {{ NAME }}", url = "https://shop.example/{{ uuid }}", start = 3, x = 200, y = 290,
                width = 240, height = 50, colour = "#1a4d8f" },
        },
    };

    [Fact]
    public async Task The_live_player_and_the_rendered_file_show_the_same_frames()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        var account = await _host.CreateAccountAsync("Acme Corp");
        using var admin = await account.AdminAsync();
        var project = (await (await admin.PostJsonAsync("/projects", new { name = "Films" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await admin.PostJsonAsync($"/projects/{project}/communications",
            new { name = "Codes", channel = "video", content = Content() })).JsonAsync(HttpStatusCode.Created);
        using var form = new MultipartFormDataContent { { new StringContent("People"), "name" } };
        var csv = new ByteArrayContent("NAME,CITY\nAda,London\nGrace,Arlington\n"u8.ToArray());
        csv.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        form.Add(csv, "file", "people.csv");
        var source = (await (await admin.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created)).Str("Id");
        var uuids = (await (await admin.GetAsync($"/data/{source}/records")).JsonAsync()).GetProperty("items")
            .EnumerateArray().ToDictionary(r => r.GetProperty("values").Str("NAME"), r => r.Str("uuid"));
        var videoUrl = (await (await admin.GetAsync("/data/projects/Films/communications/Codes/videoUrl"))
            .JsonAsync()).Str("videoUrl");
        var key = new Uri(videoUrl).AbsolutePath;

        // The shared background and both people's files, made by the render jobs.
        using var anonymous = new HttpClient { BaseAddress = _host.Address };
        var files = new Dictionary<string, string>();
        foreach (var path in new[] { "background.mp4", uuids["Ada"] + "/video.mp4", uuids["Grace"] + "/video.mp4" })
        {
            var response = await anonymous.GetAsync(key + path);
            for (var i = 0; i < 3 && response.StatusCode == HttpStatusCode.ServiceUnavailable; i++)
            {
                while (await _host.Service<JobRunner>().RunOneAsync(CancellationToken.None))
                {
                }

                response = await anonymous.GetAsync(key + path);
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            files[path] = Path.Combine(_folder, path.Replace('/', '-'));
            await File.WriteAllBytesAsync(files[path], await response.Content.ReadAsByteArrayAsync());
        }

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Chromium, Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        await using var page = await browser.NewPageAsync();
        page.DefaultTimeout = 20_000;
        await page.SetViewportAsync(new ViewPortOptions { Width = 640, Height = 480 });
        await page.GoToAsync(new Uri(_host.Address, key + uuids["Ada"]).ToString());
        await page.WaitForFunctionAsync("() => document.getElementById('layers')?.dataset.ready === 'true'");
        // The browser's own controls and the captions are not part of the picture (a file has neither burned in).
        await page.EvaluateExpressionAsync("document.getElementById('video').controls = false; "
            + "for (const track of document.getElementById('video').textTracks) track.mode = 'hidden'");
        var stage = await page.QuerySelectorAsync("#stage");

        var results = new List<string>();
        // Moments on frame times (25 per second) just past their start: in the first fade, after it, in the slide,
        // after the scene change, with the button.
        foreach (var frame in new[] { 5, 12, 30, 58, 65, 90 })
        {
            // The player shows the frame that began last; ffmpeg, the first frame that begins at or after the time.
            var at = (frame / 25.0 + 0.002).ToString("0.###", CultureInfo.InvariantCulture);
            var time = frame / 25.0 - 0.002;
            await page.EvaluateExpressionAsync(
                "window.seekedTo = null; document.getElementById('video').addEventListener('seeked', () => "
                + $"requestAnimationFrame(() => requestAnimationFrame(() => window.seekedTo = {at})), "
                + "{ once: true }); "
                + $"document.getElementById('video').currentTime = {at}");
            await page.WaitForFunctionAsync($"() => window.seekedTo === {at}");
            var shot = await stage.ScreenshotDataAsync();
            await File.WriteAllBytesAsync(Path.Combine(_folder, $"live-{frame}.png"), shot);
            using var live = SKBitmap.Decode(shot);
            using var ada = await MediaTools.FrameAsync(files[uuids["Ada"] + "/video.mp4"], time,
                Path.Combine(_folder, $"ada-{frame}.png"));
            using var grace = await MediaTools.FrameAsync(files[uuids["Grace"] + "/video.mp4"], time,
                Path.Combine(_folder, $"grace-{frame}.png"));
            Assert.Equal((640, 360), (live.Width, live.Height));
            var same = Difference(live, ada);
            var other = Difference(live, grace);
            results.Add($"{at} s: {same.Mean:0.00} mean, {same.Far:P2} far from Ada's file; "
                + $"{other.Far:P2} far from Grace's");
            Assert.True(same.Mean < 3 && same.Far < 0.005, string.Join("\n", results));
            if (frame >= 12)
            {
                // Once the name is on screen, the other person's frame differs where it is.
                Assert.True(other.Far > same.Far + 0.002, string.Join("\n", results));
            }
        }
    }

    // The mean absolute difference of the colour channels (0-255), and the share of pixels whose colour differs by
    // more than 64 in a channel: compression blurs edges a little, a wrong letter or a misplaced layer a lot.
    private static (double Mean, double Far) Difference(SKBitmap a, SKBitmap b)
    {
        long total = 0;
        var far = 0;
        for (var y = 0; y < a.Height; y++)
        {
            for (var x = 0; x < a.Width; x++)
            {
                var (p, q) = (a.GetPixel(x, y), b.GetPixel(x, y));
                var (dr, dg, db) = (Math.Abs(p.Red - q.Red), Math.Abs(p.Green - q.Green), Math.Abs(p.Blue - q.Blue));
                total += dr + dg + db;
                if (Math.Max(dr, Math.Max(dg, db)) > 64)
                {
                    far++;
                }
            }
        }

        return (total / (3.0 * a.Width * a.Height), far / (double)(a.Width * a.Height));
    }
}
