using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Communique.Sending;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Communique.Email;

// Delivery through SMTP relays with MailKit. Each relay keeps up to MaxConnections open connections, used one
// message at a time each and kept for the next; relays are tried in order, the next one only when a relay cannot be
// reached at all. Sockets are opened by us so that Nagle's algorithm can be turned off: with it, each small SMTP
// command waits for the previous segment's acknowledgement, which caps a connection at a few messages a second.
// With a return path, that is the envelope sender of every message (instead of its From), so bounces reach it.
public sealed class SmtpTransport(
    IReadOnlyList<SmtpRelayOptions> relays, ILogger<SmtpTransport> logger, MailboxAddress? returnPath = null)
    : IMailTransport, IAsyncDisposable
{
    private readonly Relay[] _relays = [.. relays.Select(r => new Relay(r, logger, returnPath))];

    public async Task<DeliveryResult> SendAsync(
        WireEmail email, HandOverGate gate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        using var message = SmtpWireMessage.Of(email, gate);
        (DeliveryResult Result, bool Unreachable) last = default;
        foreach (var relay in _relays)
        {
            last = await relay.SendAsync(message, email, cancellationToken);
            if (!last.Unreachable)
            {
                return last.Result;
            }
        }

        return last.Result ?? throw new InvalidOperationException("No SMTP relay is configured.");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in _relays)
        {
            await relay.DisposeAsync();
        }
    }

    private sealed class Relay(SmtpRelayOptions options, ILogger logger, MailboxAddress? returnPath) : IAsyncDisposable
    {
        private readonly SemaphoreSlim _connections = new(options.MaxConnections, options.MaxConnections);
        // Kept connections, with when each was last used. Servers close idle connections (the SmtpServer library after
        // two minutes, Postfix after five); one idle longer than this is closed here before it is found closed there.
        private static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(30);

        private readonly ConcurrentBag<(SmtpClient Client, long IdleSince)> _idle = [];

        public async Task<(DeliveryResult Result, bool Unreachable)> SendAsync(
            MimeMessage message, WireEmail email, CancellationToken cancellationToken)
        {
            await _connections.WaitAsync(cancellationToken);
            try
            {
                // A kept connection that turns out to be closed costs nothing but a new connection: the message is
                // tried again at once instead of waiting for its next attempt (a second hand-over).
                var (result, unreachable, stale) = await SendOnceAsync(message, email, cancellationToken);
                if (!stale)
                {
                    return (result, unreachable);
                }

                var again = await SendOnceAsync(message, email, cancellationToken, keptConnection: false);
                return (again.Result with { HandOvers = 2 }, again.Unreachable);
            }
            finally
            {
                _connections.Release();
            }
        }

        private async Task<(DeliveryResult Result, bool Unreachable, bool Stale)> SendOnceAsync(
            MimeMessage message, WireEmail email, CancellationToken cancellationToken, bool keptConnection = true)
        {
            SmtpClient? client = null;
            var kept = false;
            try
            {
                while (keptConnection && client is null && _idle.TryTake(out var idle))
                {
                    if (idle.Client.IsConnected && Stopwatch.GetElapsedTime(idle.IdleSince) < IdleLimit)
                    {
                        client = idle.Client;
                        kept = true;
                    }
                    else
                    {
                        await CloseAsync(idle.Client);
                    }
                }

                if (client is null)
                {
                    try
                    {
                        client = await ConnectAsync(cancellationToken);
                    }
                    catch (Exception e) when (e is SocketException or IOException or SslHandshakeException
                                                  or TimeoutException or SmtpProtocolException
                                                  or OperationCanceledException
                                                  && !cancellationToken.IsCancellationRequested)
                    {
                        logger.LogWarning("SMTP relay {Host}:{Port} could not be reached: {Reason}",
                            options.Host, options.Port, e.Message);
                        var unreachable = $"{options.Host}:{options.Port} unreachable: {e.Message}";
                        return (new DeliveryResult(DeliveryOutcome.TemporaryFailure, unreachable), true, false);
                    }
                    catch (AuthenticationException e)
                    {
                        logger.LogError("SMTP relay {Host}:{Port} refused our credentials: {Reason}",
                            options.Host, options.Port, e.Message);
                        var refused = $"{options.Host}:{options.Port} refused authentication: {e.Message}";
                        return (new DeliveryResult(DeliveryOutcome.TemporaryFailure, refused), true, false);
                    }
                }

                var reply = await client.SendAsync(
                    message, returnPath ?? email.Sender, email.Recipients, cancellationToken);
                _idle.Add((client, Stopwatch.GetTimestamp()));
                client = null;
                return (DeliveryResult.Accepted(reply), false, false);
            }
            catch (SmtpCommandException e)
            {
                var code = (int)e.StatusCode;
                var reply = $"{code} {e.Message}";
                if (code != 421 && client is not null)
                {
                    // 421: the server is closing the connection; any other refusal leaves it usable.
                    _idle.Add((client, Stopwatch.GetTimestamp()));
                    client = null;
                }

                var outcome = code >= 500 ? DeliveryOutcome.PermanentFailure : DeliveryOutcome.TemporaryFailure;
                return (new DeliveryResult(outcome, reply), false, false);
            }
            catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or TimeoutException
                                          or ServiceNotConnectedException
                                          or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                var lost = $"connection to {options.Host}:{options.Port} lost: {e.Message}";
                return (new DeliveryResult(DeliveryOutcome.TemporaryFailure, lost), false,
                    kept && e is not TimeoutException and not OperationCanceledException);
            }
            finally
            {
                client?.Dispose();
            }
        }

        private static async Task CloseAsync(SmtpClient client)
        {
            try
            {
                if (client.IsConnected)
                {
                    using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await client.DisconnectAsync(quit: true, quick.Token);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException
                                          or SmtpCommandException or OperationCanceledException)
            {
            }
            finally
            {
                client.Dispose();
            }
        }

        private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
        {
            var client = new UnmeasuredSmtpClient { Timeout = options.TimeoutSeconds * 1000 };

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                connectTimeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
                await socket.ConnectAsync(options.Host, options.Port, connectTimeout.Token);
                await client.ConnectAsync(
                    socket, options.Host, options.Port, Security(options.Security), cancellationToken);
                if (!string.IsNullOrEmpty(options.UserName))
                {
                    await client.AuthenticateAsync(options.UserName, options.Password ?? "", cancellationToken);
                }

                return client;
            }
            catch
            {
                client.Dispose();
                socket.Dispose();
                throw;
            }
        }

        private static SecureSocketOptions Security(SmtpSecurity security) => security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTlsWhenAvailable,
        };

        public async ValueTask DisposeAsync()
        {
            while (_idle.TryTake(out var idle))
            {
                await CloseAsync(idle.Client);
            }

            _connections.Dispose();
        }
    }
}

// MailKit measures a message before sending it when the server announces SIZE, by writing the whole message once
// more, a cost paid for every message. The SIZE parameter is optional (RFC 1870): without it a server
// with a size limit refuses an oversized message after its data instead of before, and ours are bounded (attachments
// ≤ 10 MB). Messages go as DATA, never BDAT, which would need the size.
internal sealed class UnmeasuredSmtpClient : SmtpClient
{
    protected override long GetSize(
        FormatOptions options, MimeMessage message, CancellationToken cancellationToken) => -1;

    protected override Task<long> GetSizeAsync(
        FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
        Task.FromResult(-1L);
}
