using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace Communique.Deliverability;

// Polls the bounce mailbox on worker processes while it is configured. Give the setting to one worker: two nodes
// reading the same mailbox at once could both apply a report before either records it.
public sealed class BounceMailboxPoller(
    BounceMailbox mailbox, IOptions<BounceMailboxOptions> options, IOptions<HostingOptions> hosting, TimeProvider clock,
    ILogger<BounceMailboxPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || hosting.Value.Role == ProcessRole.Api)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(options.Value.PollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var poll = await mailbox.PollOnceAsync(stoppingToken);
                if (poll.Read > 0)
                {
                    logger.LogInformation(
                        "Bounce mailbox: {Read} read, {Reports} reports, {Unsubscribes} unsubscribes, "
                        + "{LeftAlone} left alone",
                        poll.Read, poll.Reports, poll.Unsubscribes, poll.LeftAlone);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ImapProtocolException
                                          or ImapCommandException or AuthenticationException or SslHandshakeException
                                          or FolderNotFoundException or TimeoutException)
            {
                logger.LogWarning("Bounce mailbox {Host}:{Port} could not be read: {Reason}", options.Value.Host,
                    options.Value.Port, e.Message);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Reading the bounce mailbox failed; trying again at the next poll");
            }

            try
            {
                await Task.Delay(interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
