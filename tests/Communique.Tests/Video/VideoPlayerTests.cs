using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Communique.Tests.Infrastructure;
using Communique.Video;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Communique.Tests.Video;

// A recipient's video address as the recipient and the team meet it: the EngageOne videoUrl, the player page it opens
// for that person only, its captions, background media with ranges, the events the page posts under its signed
// session, and the analytics made of them.
public abstract partial class VideoPlayerTests(Provider provider) : IAsyncLifetime
{
    private TestHost _host = null!;
    private HttpClient _admin = null!;
    private HttpClient _viewer = null!;
    private Guid _teamId;
    private VideoSeed _seed = null!;
    private string _address = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Mail:PublicBaseUrl"] = "https://videos.example.com", ["Video:EventsPerSession"] = "100",
            ["Video:PostsPerAddressPerMinute"] = "8",
        });
        var acme = await _host.CreateAccountAsync("Acme Corp");
        _admin = await acme.AdminAsync();
        _teamId = acme.TeamId;
        _viewer = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        _seed = await VideoSeed.CreateAsync(_admin);
        _address = await _seed.AddressAsync(_admin);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        _viewer.Dispose();
        await _host.DisposeAsync();
    }

    private string PathOf(Guid uuid) => new Uri(_address + uuid).AbsolutePath;

    private async Task<(string Html, string Token)> OpenAsync(Guid uuid)
    {
        var page = await _viewer.GetAsync(PathOf(uuid));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        return (html, TokenPattern().Match(html).Groups[1].Value);
    }

    private Task<HttpResponseMessage> PostEventsAsync(Guid uuid, string token, params object[] events) =>
        _viewer.PostJsonAsync(PathOf(uuid) + "/events", new { token, events });

    [Fact]
    public async Task The_video_url_has_the_compat_shape_and_with_a_uuid_appended_opens_that_persons_video()
    {
        Assert.Matches(@"^https://videos\.example\.com/v/[A-Za-z0-9_-]{22}/$", _address);
        Assert.Equal(_address, await _seed.AddressAsync(_admin));

        var (ada, _) = await OpenAsync(_seed.Uuids["Ada"]);
        Assert.Contains("Hello Ada", ada, StringComparison.Ordinal);
        Assert.Contains("https://shop.example/" + _seed.Uuids["Ada"], ada, StringComparison.Ordinal);
        Assert.DoesNotContain("Grace", ada, StringComparison.Ordinal);
        var (grace, _) = await OpenAsync(_seed.Uuids["Grace"]);
        Assert.Contains("Hello Grace", grace, StringComparison.Ordinal);

        var unknown = await (await _admin.GetAsync(
                $"/data/projects/{Uri.EscapeDataString(_seed.ProjectName)}/communications/Nothing/videoUrl"))
            .ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("urn:communique:problem:not-found", unknown.Str("type"));
        await (await _admin.PostJsonAsync($"/projects/{_seed.ProjectId}/communications",
            new { name = "Letter", channel = "email" })).JsonAsync(HttpStatusCode.Created);
        await (await _admin.GetAsync(
                $"/data/projects/{Uri.EscapeDataString(_seed.ProjectName)}/communications/Letter/videoUrl"))
            .ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_unknown_uuid_or_key_or_another_teams_record_shows_the_same_neutral_page()
    {
        var other = await _host.CreateAccountAsync("Other Inc");
        using var otherAdmin = await other.AdminAsync();
        var theirs = await VideoSeed.CreateAsync(otherAdmin, "Secret");
        var theirAddress = await theirs.AddressAsync(otherAdmin);

        var pages = new List<string>();
        foreach (var path in new[]
                 {
                     PathOf(Guid.NewGuid()), PathOf(theirs.Uuids["Ada"]), PathOf(Guid.Empty)[..^36] + "not-a-uuid",
                     "/v/nosuchkeynosuchkeynosuch/" + _seed.Uuids["Ada"],
                     new Uri(theirAddress + _seed.Uuids["Ada"]).AbsolutePath,
                 })
        {
            var page = await _viewer.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            pages.Add(await page.Content.ReadAsStringAsync());
            var captions = await _viewer.GetAsync(path + "/captions.vtt");
            Assert.Equal(HttpStatusCode.NotFound, captions.StatusCode);
        }

        Assert.Single(pages.Distinct());
        Assert.DoesNotContain("Ada", pages[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Secret", pages[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Captions_are_webvtt_with_the_persons_text_escaped()
    {
        var seed = await VideoSeed.CreateAsync(_admin, "Tom & Jerry <3");
        var address = await seed.AddressAsync(_admin);
        var captions = await _viewer.GetAsync(new Uri(address + seed.Uuids["Grace"]).AbsolutePath + "/captions.vtt");
        Assert.Equal(HttpStatusCode.OK, captions.StatusCode);
        Assert.Equal("text/vtt; charset=utf-8", captions.Content.Headers.ContentType?.ToString());
        Assert.Equal("WEBVTT\n\n00:00:01.000 --> 00:00:03.500\nTom &amp; Jerry &lt;3 Grace\n",
            await captions.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_page_is_accessible_frameable_and_loads_nothing_from_another_origin()
    {
        var page = await _viewer.GetAsync(PathOf(_seed.Uuids["Ada"]));
        var policy = string.Join("", page.Headers.GetValues("Content-Security-Policy"));
        Assert.DoesNotContain("http", policy, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("unsafe", policy, StringComparison.OrdinalIgnoreCase);
        foreach (var directive in new[] { "script-src", "media-src", "img-src", "font-src", "connect-src" })
        {
            Assert.Contains($"{directive} 'self';", policy, StringComparison.Ordinal);
        }

        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors *", policy, StringComparison.Ordinal);
        Assert.False(page.Headers.Contains("X-Frame-Options"));
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(page.Headers.GetValues("Referrer-Policy")));

        var html = await page.Content.ReadAsStringAsync();
        foreach (Match m in AddressPattern().Matches(html))
        {
            Assert.StartsWith("/", m.Groups[2].Value, StringComparison.Ordinal);
        }

        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Matches("<video [^>]*controls playsinline", html);
        Assert.Contains($"poster=\"{PathOf(_seed.Uuids["Ada"])}/poster.jpg\"", html, StringComparison.Ordinal);
        Assert.Matches("<track kind=\"captions\" src=\"[^\"]+/captions.vtt\" srclang=\"en\" label=\"[^\"]+\"", html);
        Assert.Contains("<script type=\"application/json\" id=\"manifest\">", html, StringComparison.Ordinal);

        var script = await _viewer.GetAsync("/player/player.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/player/player.js");
        again.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await _viewer.SendAsync(again)).StatusCode);
        var font = await _viewer.GetAsync("/player/fonts/liberation-sans-bold.ttf");
        Assert.Equal(("font/ttf", true), (font.Content.Headers.ContentType?.MediaType,
            font.Headers.CacheControl?.MaxAge > TimeSpan.FromDays(300)));
        Assert.Equal(HttpStatusCode.NotFound, (await _viewer.GetAsync("/player/fonts/comic-sans.ttf")).StatusCode);

        var download = await _viewer.GetAsync(PathOf(_seed.Uuids["Ada"]) + "?download");
        Assert.Equal(HttpStatusCode.Redirect, download.StatusCode);
        Assert.Equal(PathOf(_seed.Uuids["Ada"]) + "/video.mp4?download", download.Headers.Location?.ToString());
    }

    [Fact]
    public async Task The_link_gives_a_recipients_address_and_an_embed_code()
    {
        var uuid = _seed.Uuids["Edsger"];
        var link = await (await _admin.GetAsync($"/video/communications/{_seed.CommunicationId}/link?uuid={uuid}"))
            .JsonAsync();
        Assert.Equal((_address, _address + uuid), (link.Str("videoUrl"), link.Str("recipientUrl")));
        var embed = link.Str("embedCode");
        Assert.Contains($"<iframe src=\"{_address}{uuid}\"", embed, StringComparison.Ordinal);
        Assert.Contains("title=\"", embed, StringComparison.Ordinal);
        Assert.Contains("allow=\"fullscreen; autoplay\"", embed, StringComparison.Ordinal);
        Assert.Contains("padding-top:56.25%", embed, StringComparison.Ordinal);
        await (await _admin.GetAsync($"/video/communications/{Guid.NewGuid()}/link"))
            .ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_background_is_not_ready_until_rendered_then_answers_ranges()
    {
        var background = new Uri(_address).AbsolutePath + "background.mp4";
        var waiting = await _viewer.GetAsync(background);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, waiting.StatusCode);
        Assert.NotNull(waiting.Headers.RetryAfter);

        await _seed.MakeBackgroundReadyAsync(_host.Services, _teamId);
        using var head = new HttpRequestMessage(HttpMethod.Head, background);
        var whole = await _viewer.SendAsync(head);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("bytes", Assert.Single(whole.Headers.AcceptRanges));
        var length = whole.Content.Headers.ContentLength!.Value;
        Assert.True(length > 1000);

        using var range = new HttpRequestMessage(HttpMethod.Get, background);
        range.Headers.Range = new RangeHeaderValue(100, 199);
        var part = await _viewer.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal($"bytes 100-199/{length}", part.Content.Headers.ContentRange?.ToString());
        Assert.Equal(100, (await part.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal("video/mp4", part.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Events_need_the_session_the_page_gave_for_that_person()
    {
        var ada = _seed.Uuids["Ada"];
        var (_, token) = await OpenAsync(ada);
        Assert.Equal(54, token.Length);
        Assert.Equal(HttpStatusCode.Accepted,
            (await PostEventsAsync(ada, token, new { kind = "impression", position = 0 })).StatusCode);

        var grace = _seed.Uuids["Grace"];
        await (await PostEventsAsync(grace, token, new { kind = "play", position = 0 }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        var forged = token[..30] + (token[30] == 'A' ? 'B' : 'A') + token[31..];
        await (await PostEventsAsync(ada, forged, new { kind = "play", position = 0 }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        await (await PostEventsAsync(ada, "", new { kind = "play", position = 0 }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        var bad = await (await PostEventsAsync(ada, token, new { kind = "dance", position = 0 }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("events[0].kind", out _));
        await (await PostEventsAsync(ada, token, new { kind = "cta", position = 2 }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        // A day later the page's token has expired.
        _host.Clock.Advance(TimeSpan.FromDays(1.1));
        await (await PostEventsAsync(ada, token, new { kind = "play", position = 0 }))
            .ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_session_that_sends_too_many_events_is_refused()
    {
        var ada = _seed.Uuids["Ada"];
        var (_, token) = await OpenAsync(ada);
        var fifty = Enumerable.Range(0, 50).Select(i => (object)new { kind = "seek", position = i * 0.05 }).ToArray();
        Assert.Equal(HttpStatusCode.Accepted, (await PostEventsAsync(ada, token, fifty)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await PostEventsAsync(ada, token, fifty)).StatusCode);
        var refused = await PostEventsAsync(ada, token, fifty);
        await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter);
        await (await PostEventsAsync(ada, token, [.. fifty, .. fifty])).ProblemAsync(HttpStatusCode.BadRequest);

        var (_, fresh) = await OpenAsync(ada);
        Assert.Equal(HttpStatusCode.Accepted,
            (await PostEventsAsync(ada, fresh, new { kind = "play", position = 0 })).StatusCode);
    }

    [Fact]
    public async Task One_address_that_posts_too_often_is_refused_until_the_next_minute()
    {
        var ada = _seed.Uuids["Ada"];
        for (var i = 0; i < 8; i++)
        {
            var (_, token) = await OpenAsync(ada);
            Assert.Equal(HttpStatusCode.Accepted,
                (await PostEventsAsync(ada, token, new { kind = "impression", position = 0 })).StatusCode);
        }

        var (_, fresh) = await OpenAsync(ada);
        await (await PostEventsAsync(ada, fresh, new { kind = "impression", position = 0 }))
            .ProblemAsync(HttpStatusCode.TooManyRequests);
        _host.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Accepted,
            (await PostEventsAsync(ada, fresh, new { kind = "impression", position = 0 })).StatusCode);
    }

    [Fact]
    public async Task Analytics_count_views_viewers_time_watched_drop_off_and_button_clicks()
    {
        var (ada, grace) = (_seed.Uuids["Ada"], _seed.Uuids["Grace"]);
        var (_, whole) = await OpenAsync(ada);
        Assert.Equal(HttpStatusCode.Accepted, (await PostEventsAsync(ada, whole,
            new { kind = "impression", position = 0 }, new { kind = "play", position = 0 },
            new { kind = "progress-25", position = 1 }, new { kind = "progress-50", position = 2 },
            new { kind = "cta", position = 2.5, button = 0 }, new { kind = "progress-75", position = 3 },
            new { kind = "complete", position = 4 })).StatusCode);
        var (_, part) = await OpenAsync(ada);
        Assert.Equal(HttpStatusCode.Accepted, (await PostEventsAsync(ada, part,
            new { kind = "impression", position = 0 }, new { kind = "play", position = 0 },
            new { kind = "pause", position = 1 })).StatusCode);
        var (_, glance) = await OpenAsync(grace);
        Assert.Equal(HttpStatusCode.Accepted,
            (await PostEventsAsync(grace, glance, new { kind = "impression", position = 0 })).StatusCode);
        await _host.Service<VideoEventIntake>().FlushAsync(CancellationToken.None);

        var summary = await (await _admin.GetAsync($"/video/communications/{_seed.CommunicationId}/analytics"))
            .JsonAsync();
        Assert.Equal((3, 2, 1, 1), (summary.GetProperty("impressions").GetInt32(),
            summary.GetProperty("views").GetInt32(), summary.GetProperty("uniqueViewers").GetInt32(),
            summary.GetProperty("ctaClicks").GetInt32()));
        Assert.Equal((2.5, 0.625, 4.0, 0.5), (summary.GetProperty("averageWatchedSeconds").GetDouble(),
            summary.GetProperty("averageWatchedFraction").GetDouble(),
            summary.GetProperty("durationSeconds").GetDouble(), summary.GetProperty("ctaRate").GetDouble()));
        var curve = summary.GetProperty("dropOff").EnumerateArray().Select(p => p.GetDouble()).ToList();
        Assert.Equal(21, curve.Count);
        Assert.Equal([1, 1, 1, 1, 1, 1, 0.5, 0.5], curve[..8]);
        Assert.Equal(0.5, curve[20]);

        var recipients = await (await _admin.GetAsync(
            $"/video/communications/{_seed.CommunicationId}/analytics/recipients?limit=1")).JsonAsync();
        var first = Assert.Single(recipients.GetProperty("items").EnumerateArray());
        var next = await (await _admin.GetAsync($"/video/communications/{_seed.CommunicationId}/analytics/"
            + $"recipients?limit=1&cursor={recipients.Str("next")}")).JsonAsync();
        var second = Assert.Single(next.GetProperty("items").EnumerateArray());
        Assert.Equal(new[] { ada, grace }.Order(),
            new[] { first, second }.Select(r => Guid.Parse(r.Str("uuid"))).Order());

        var one = await (await _admin.GetAsync(
            $"/video/communications/{_seed.CommunicationId}/analytics/recipients/{ada}")).JsonAsync();
        Assert.Equal((2, 2, 4.0, true, 1), (one.GetProperty("sessions").GetInt32(), one.GetProperty("plays").GetInt32(),
            one.GetProperty("furthestSeconds").GetDouble(), one.GetProperty("completed").GetBoolean(),
            one.GetProperty("ctaClicks").GetInt32()));
        await (await _admin.GetAsync($"/video/communications/{_seed.CommunicationId}/analytics/recipients/"
            + _seed.Uuids["Edsger"])).ProblemAsync(HttpStatusCode.NotFound);
    }

    [GeneratedRegex("\"token\":\"([A-Za-z0-9_-]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("(src|href)=\"([^\"]*)\"")]
    private static partial Regex AddressPattern();
}

public sealed class VideoPlayerOnSqlite() : VideoPlayerTests(Provider.Sqlite);

public sealed class VideoPlayerOnPostgres() : VideoPlayerTests(Provider.Postgres);
