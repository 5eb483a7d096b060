using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace Communique.Tests.Campaigns;

// A loopback SMTP relay with the faults of real ones, by recipient (buyerN@example.com): 2 % refused for good with
// 550; and, the first time only, 451 (10 %), a connection cut in the middle of DATA (4 %) and a stall after DATA past
// the client's timeout (1 %). Everyone else is accepted. Spoken by hand: the SMTP server library always answers.
public sealed class FaultyRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, int> _tries = new(StringComparer.Ordinal);
    private readonly Task _accepting;

    public FaultyRelay()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    // Messages taken, by recipient.
    public ConcurrentDictionary<string, int> Arrivals { get; } = new(StringComparer.Ordinal);

    // Transactions that reached a recipient's RCPT, by recipient: the hand-overs the relay saw.
    public ConcurrentDictionary<string, int> HandOvers { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<MimeMessage> Others { get; } = new();

    public int Accepted => Arrivals.Where(a => a.Key.StartsWith("buyer", StringComparison.Ordinal)).Sum(a => a.Value);

    public enum Fault
    {
        None,
        Refuse,
        Defer,
        Cut,
        Stall,
    }

    public static Fault FaultOf(string address)
    {
        if (!address.StartsWith("buyer", StringComparison.Ordinal))
        {
            return Fault.None;
        }

        var n = int.Parse(address["buyer".Length..address.IndexOf('@', StringComparison.Ordinal)],
            System.Globalization.CultureInfo.InvariantCulture);
        return (n % 50) switch
        {
            7 => Fault.Refuse,
            1 or 11 or 21 or 31 or 41 => Fault.Defer,
            3 or 23 => Fault.Cut,
            _ => n % 100 == 42 ? Fault.Stall : Fault.None,
        };
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII)
                {
                    NewLine = "\r\n", AutoFlush = true,
                };
                await writer.WriteLineAsync("220 faulty.test ESMTP");
                string? recipient = null;
                var fault = Fault.None;
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Split(' ', ':')[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await writer.WriteLineAsync("250-faulty.test");
                            await writer.WriteLineAsync("250 8BITMIME");
                            break;
                        case "MAIL":
                            recipient = null;
                            await writer.WriteLineAsync("250 2.1.0 OK");
                            break;
                        case "RCPT":
                            recipient = line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.LastIndexOf('>')];
                            HandOvers.AddOrUpdate(recipient, 1, (_, n) => n + 1);
                            var first = _tries.AddOrUpdate(recipient, 1, (_, n) => n + 1) == 1;
                            fault = FaultOf(recipient) is var f && (f == Fault.Refuse || first) ? f : Fault.None;
                            await writer.WriteLineAsync(fault switch
                            {
                                Fault.Refuse => "550 5.1.1 no such mailbox",
                                Fault.Defer => "451 4.3.0 try again later",
                                _ => "250 2.1.5 OK",
                            });
                            break;
                        case "DATA":
                            await writer.WriteLineAsync("354 go ahead");
                            if (fault == Fault.Cut)
                            {
                                await reader.ReadLineAsync(_stop.Token);
                                return;
                            }

                            var data = new StringBuilder();
                            while (await reader.ReadLineAsync(_stop.Token) is { } part && part != ".")
                            {
                                data.Append(part.StartsWith("..", StringComparison.Ordinal) ? part[1..] : part)
                                    .Append("\r\n");
                            }

                            if (fault == Fault.Stall)
                            {
                                await Task.Delay(Timeout.Infinite, _stop.Token);
                            }

                            Taken(recipient!, data.ToString());
                            await writer.WriteLineAsync("250 2.0.0 queued");
                            break;
                        case "QUIT":
                            await writer.WriteLineAsync("221 bye");
                            return;
                        default:
                            await writer.WriteLineAsync("250 OK");
                            break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The client went away or the relay stopped.
            }
        }
    }

    private void Taken(string recipient, string data)
    {
        Arrivals.AddOrUpdate(recipient, 1, (_, n) => n + 1);
        if (!recipient.StartsWith("buyer", StringComparison.Ordinal))
        {
            Others.Enqueue(MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(data))));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
