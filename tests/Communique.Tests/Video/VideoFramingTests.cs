using Communique.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Communique.Tests.Video;

// Where the player may be embedded: any page by default (the embed code), only the origins configured otherwise; a
// configured value that is no frame source stops the start rather than rewriting the player's policy.
public sealed class VideoFramingTests
{
    [Fact]
    public async Task The_player_may_be_framed_only_by_the_configured_origins()
    {
        await using var host = await TestHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Video:FrameAncestors:0"] = "https://www.example.com", ["Video:FrameAncestors:1"] = "'self'",
        });
        using var client = host.CreateClient();
        var page = await client.GetAsync($"/v/nosuchkey/{Guid.NewGuid()}");
        Assert.EndsWith("frame-ancestors https://www.example.com 'self'",
            string.Join("", page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frame_source_that_would_change_the_policy_stops_the_start()
    {
        var failed = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await TestHost.StartAsync(settings: new Dictionary<string, string?>
            {
                ["Video:FrameAncestors:0"] = "https://a.example; script-src *",
            }));
        Assert.Contains("Video:FrameAncestors", failed.Message, StringComparison.Ordinal);
    }
}
