using System.Diagnostics;
using Communique.Email;
using Microsoft.Extensions.Options;

namespace Communique.Tests.Email;

public sealed class SendRateLimitsTests
{
    private static SendRateLimits Limits(int team = 0, int domain = 0,
        Dictionary<string, int>? domains = null) => new(Options.Create(new MailOptions
    {
        RateLimits = new SendRateOptions { TeamPerSecond = team, DomainPerSecond = domain, Domains = domains ?? [] },
    }));

    private static async Task<TimeSpan> TimeAsync(SendRateLimits limits, int count,
        Func<int, (Guid Team, string Address)> next)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var (team, address) = next(i);
            await limits.WaitAsync(team, address, CancellationToken.None);
        }

        return watch.Elapsed;
    }

    [Fact]
    public async Task A_domain_gets_no_more_than_its_rate_while_other_domains_go_on()
    {
        using var limits = Limits(domain: 2, domains: new() { ["fast.example"] = 1000 });
        var team = Guid.NewGuid();

        Assert.True(await TimeAsync(limits, 6, i => (team, $"r{i}@Slow.Example")) >= TimeSpan.FromSeconds(1.5));
        Assert.True(await TimeAsync(limits, 50, i => (team, $"r{i}@fast.example")) < TimeSpan.FromSeconds(1));
        Assert.True(await TimeAsync(limits, 50, i => (team, $"r{i}@domain{i}.example")) < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_team_gets_no_more_than_its_rate_and_other_teams_are_not_held_up()
    {
        using var limits = Limits(team: 3);
        var busy = Guid.NewGuid();

        Assert.True(await TimeAsync(limits, 9, i => (busy, $"r{i}@d{i}.example")) >= TimeSpan.FromSeconds(1.5));
        Assert.True(await TimeAsync(limits, 3, i => (Guid.NewGuid(), $"r{i}@example.org")) < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Without_limits_nothing_waits()
    {
        using var limits = Limits();
        Assert.True(await TimeAsync(limits, 1000, i => (Guid.Empty, "same@example.org")) < TimeSpan.FromSeconds(1));
    }
}
