using System.Net;
using Communique.Tests.Infrastructure;
using Communique.Video;
using PuppeteerSharp;

namespace Communique.Tests.Video;

// A recipient's player in Debian's chromium, headless, against the program on a real loopback port: the background
// (the test's ffmpeg fixture) plays, the person's line is drawn on the canvas inside its box while the layer is on and
// not before, a seek redraws at the new time, the button's link can take the focus and carries its label, and the
// events the page posts show up in the communication's analytics.
[Collection(nameof(Browsers))]
public sealed class VideoPlayerBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    // Pixels of the text's colour (#ffff00) inside the line's box (40,40 520x100), in the canvas's own pixels.
    private const string TextPixels = """
        (() => {
          const canvas = document.getElementById('layers');
          const data = canvas.getContext('2d').getImageData(40, 40, 520, 100).data;
          let n = 0;
          for (let i = 0; i < data.length; i += 4) {
            if (data[i] > 200 && data[i + 1] > 200 && data[i + 2] < 80 && data[i + 3] > 200) n++;
          }
          return n;
        })()
        """;

    private readonly List<string> _pageErrors = [];
    private TestHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await TestHost.StartAsync(kestrel: true);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_player_draws_the_persons_line_in_time_over_the_playing_video_and_reports_the_viewing()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        var account = await _host.CreateAccountAsync("Acme Corp");
        using var admin = await account.AdminAsync();
        var seed = await VideoSeed.CreateAsync(admin);
        await seed.MakeBackgroundReadyAsync(_host.Services, account.TeamId);
        var address = await seed.AddressAsync(admin);
        var ada = seed.Uuids["Ada"];

        await using var browser = await LaunchAsync();
        await using var page = await browser.NewPageAsync();
        page.DefaultTimeout = 20_000;
        page.PageError += (_, e) => _pageErrors.Add(e.Message);
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
            {
                _pageErrors.Add(e.Message.Text);
            }
        };
        var refused = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Response += (_, e) =>
        {
            if ((int)e.Response.Status >= 400)
            {
                refused.Enqueue($"{e.Response.Url} {(int)e.Response.Status}");
            }
        };
        var otherOrigins = new List<string>();
        page.Request += (_, e) =>
        {
            if (!e.Request.Url.StartsWith(_host.Address.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)
                && !e.Request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                otherOrigins.Add(e.Request.Url);
            }
        };
        await page.SetViewportAsync(new ViewPortOptions { Width = 800, Height = 600 });
        var opened = await page.GoToAsync(new Uri(_host.Address, new Uri(address + ada).AbsolutePath).ToString());
        Assert.Equal(HttpStatusCode.OK, opened.Status);
        await page.WaitForFunctionAsync("() => document.getElementById('layers')?.dataset.ready === 'true'");
        Assert.Equal("Your video", await page.GetTitleAsync());

        // Responsive: the stage fills the width and keeps the frame's 16:9.
        var (width, height) = (await page.EvaluateExpressionAsync<double>(
                "document.getElementById('video').getBoundingClientRect().width"),
            await page.EvaluateExpressionAsync<double>(
                "document.getElementById('video').getBoundingClientRect().height"));
        Assert.InRange(width, 780, 800);
        Assert.InRange(height / width, 0.56, 0.565);

        // It plays, and while the layer is on the line is drawn.
        await page.EvaluateExpressionAsync("document.getElementById('video').play()");
        await page.WaitForFunctionAsync(
            "() => document.getElementById('video')?.currentTime > 1.3 && !document.getElementById('video').paused");
        var (drawn, at) = (await page.EvaluateExpressionAsync<int>(TextPixels),
            await page.EvaluateExpressionAsync<double>("document.getElementById('video').currentTime"));
        if (at < 3.4)
        {
            Assert.True(drawn > 200, $"only {drawn} pixels of the line at {at} s");
        }

        // Paused and seeked before the layer's start: nothing; inside it: the line; after its end: nothing.
        await page.EvaluateExpressionAsync("document.getElementById('video').pause()");
        foreach (var (time, expected) in new[] { (0.5, false), (2.0, true), (3.8, false), (1.2, true) })
        {
            await page.EvaluateExpressionAsync(
                $"window.seekedTo = null; document.getElementById('video').addEventListener('seeked', "
                + $"() => requestAnimationFrame(() => window.seekedTo = {time}), {{ once: true }}); "
                + $"document.getElementById('video').currentTime = {time}");
            await page.WaitForFunctionAsync($"() => window.seekedTo === {time}");
            var pixels = await page.EvaluateExpressionAsync<int>(TextPixels);
            Assert.True(expected ? pixels > 200 : pixels == 0, $"{pixels} pixels of the line at {time} s");
        }

        // The button's link shows from 2 s, over the drawn button, named by its label.
        Assert.True(await page.EvaluateExpressionAsync<bool>("document.querySelector('#ctas a').hidden"));
        await page.EvaluateExpressionAsync("document.getElementById('video').currentTime = 2.5");
        await page.WaitForFunctionAsync("() => document.querySelector('#ctas a')?.hidden === false");
        Assert.Equal(("Book, Ada", "_blank", "noopener noreferrer", $"https://shop.example/{ada}"), (
            await page.EvaluateExpressionAsync<string>("document.querySelector('#ctas a').textContent"),
            await page.EvaluateExpressionAsync<string>("document.querySelector('#ctas a').target"),
            await page.EvaluateExpressionAsync<string>("document.querySelector('#ctas a').rel"),
            await page.EvaluateExpressionAsync<string>("document.querySelector('#ctas a').href")));
        Assert.True(await page.EvaluateExpressionAsync<bool>(
            "(() => { const a = document.querySelector('#ctas a'); a.focus(); "
            + "return document.activeElement === a; })()"));
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.DownAsync("Shift");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.UpAsync("Shift");
        Assert.True(await page.EvaluateExpressionAsync<bool>(
            "document.activeElement === document.querySelector('#ctas a')"), "the keyboard does not reach the button");

        // The events the page sent (batched within a second) are in the analytics.
        await Task.Delay(1_500);
        await _host.Service<VideoEventIntake>().FlushAsync(CancellationToken.None);
        var summary = await (await admin.GetAsync($"/video/communications/{seed.CommunicationId}/analytics"))
            .JsonAsync();
        Assert.Equal((1, 1, 1), (summary.GetProperty("impressions").GetInt32(),
            summary.GetProperty("views").GetInt32(), summary.GetProperty("uniqueViewers").GetInt32()));
        var viewer = await (await admin.GetAsync(
            $"/video/communications/{seed.CommunicationId}/analytics/recipients/{ada}")).JsonAsync();
        Assert.True(viewer.GetProperty("furthestSeconds").GetDouble() >= 1.0, viewer.ToString());
        Assert.Empty(otherOrigins);
        // The one refusal allowed is the browser's own request for /favicon.ico, which the product does not serve.
        Assert.True(refused.All(r => r.Contains("/favicon.ico 404", StringComparison.Ordinal))
            && _pageErrors.All(e => e.Contains("404", StringComparison.Ordinal)),
            string.Join("; ", _pageErrors) + " / " + string.Join("; ", refused));
    }

    [Fact]
    public async Task Until_the_background_is_rendered_the_player_says_so_then_plays_it()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        var account = await _host.CreateAccountAsync("Acme Corp");
        using var admin = await account.AdminAsync();
        var seed = await VideoSeed.CreateAsync(admin);
        var address = await seed.AddressAsync(admin);

        await using var browser = await LaunchAsync();
        await using var page = await browser.NewPageAsync();
        page.DefaultTimeout = 20_000;
        await page.GoToAsync(new Uri(_host.Address, new Uri(address + seed.Uuids["Grace"]).AbsolutePath).ToString());
        await page.WaitForFunctionAsync(
            "() => document.getElementById('status')?.textContent === 'Preparing your video…'");

        await seed.MakeBackgroundReadyAsync(_host.Services, account.TeamId);
        // The page asks again after the Retry-After (2 s) the server gave.
        await page.WaitForFunctionAsync("() => document.getElementById('status')?.textContent === ''"
            + " && document.getElementById('video')?.readyState >= 1");
        Assert.Equal(4.0, await page.EvaluateExpressionAsync<double>("document.getElementById('video').duration"),
            precision: 1);
    }

    private static Task<IBrowser> LaunchAsync() => Puppeteer.LaunchAsync(new LaunchOptions
    {
        ExecutablePath = Chromium, Headless = true,
        Args =
        [
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required",
        ],
    });
}
