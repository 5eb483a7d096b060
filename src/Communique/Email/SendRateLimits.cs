using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Communique.Email;

// Token buckets that a message waits on before it is handed to the mail server: one per team, one per recipient
// domain. They live in the process: with several worker processes the effective rate is that many times the setting.
public sealed class SendRateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> _teams;
    private readonly PartitionedRateLimiter<string> _domains;

    public SendRateLimits(IOptions<MailOptions> options)
    {
        var rates = options.Value.RateLimits;
        _teams = PartitionedRateLimiter.Create<Guid, Guid>(team => rates.TeamPerSecond > 0
            ? RateLimitPartition.GetTokenBucketLimiter(team, _ => Bucket(rates.TeamPerSecond))
            : RateLimitPartition.GetNoLimiter(team));
        _domains = PartitionedRateLimiter.Create<string, string>(domain =>
        {
            var rate = rates.Domains.TryGetValue(domain, out var specific) ? specific : rates.DomainPerSecond;
            return rate > 0 ? RateLimitPartition.GetTokenBucketLimiter(domain, _ => Bucket(rate))
                : RateLimitPartition.GetNoLimiter(domain);
        });
    }

    // Waits until both the team and the recipient's domain may send one more message.
    public async Task WaitAsync(Guid team, string address, CancellationToken cancellationToken)
    {
        var domain = address[(address.LastIndexOf('@') + 1)..].ToLowerInvariant();
        using var teamLease = await _teams.AcquireAsync(team, 1, cancellationToken);
        using var domainLease = await _domains.AcquireAsync(domain, 1, cancellationToken);
    }

    private static TokenBucketRateLimiterOptions Bucket(int perSecond) => new()
    {
        TokenLimit = perSecond,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    };

    public void Dispose()
    {
        _teams.Dispose();
        _domains.Dispose();
    }
}
