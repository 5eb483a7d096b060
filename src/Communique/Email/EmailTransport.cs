using Communique.Campaigns;
using Communique.Sending;
using Microsoft.Extensions.Options;

namespace Communique.Email;

// The email channel's transport: the configured mail transport (SMTP relays or the pickup folder), after the team's
// and the recipient domain's rate limits. Its classification is the relay's: 4xx, a lost connection or a timeout is
// temporary, 5xx permanent.
public sealed class EmailTransport(IMailTransport transport, SendRateLimits rates, IOptions<MailOptions> mail)
    : IChannelTransport
{
    public int Parallelism => mail.Value.SendParallelism;

    public async Task<DeliveryResult> HandOverAsync(
        OutboundMessage message, OutgoingMessage outgoing, HandOverGate gate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await rates.WaitAsync(message.TeamId, message.Address, cancellationToken);
        return await transport.SendAsync(((EmailOutgoing)outgoing).Email, gate, cancellationToken);
    }
}
