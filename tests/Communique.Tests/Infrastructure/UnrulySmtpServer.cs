using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Communique.Tests.Infrastructure;

public enum Unruliness
{
    // Answers everything up to DATA's 354, takes part of the message, then closes the connection.
    DropMidData,

    // Greets, then never answers another command.
    StallAfterGreeting,
}

// A loopback SMTP peer that misbehaves on purpose, in the ways real servers and networks fail; the SMTP server
// library used elsewhere always finishes its replies, so these two are spoken by hand.
public sealed class UnrulySmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public UnrulySmtpServer(Unruliness how)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(how);
    }

    public int Port { get; }

    private async Task AcceptAsync(Unruliness how)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client, how);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(TcpClient client, Unruliness how)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n",
                    AutoFlush = true };
                await writer.WriteLineAsync("220 unruly.test ESMTP");
                if (how == Unruliness.StallAfterGreeting)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Split(' ')[0].ToUpperInvariant();
                    if (verb == "EHLO")
                    {
                        await writer.WriteLineAsync("250-unruly.test");
                        await writer.WriteLineAsync("250 8BITMIME");
                    }
                    else if (verb == "DATA")
                    {
                        await writer.WriteLineAsync("354 go ahead");
                        await reader.ReadLineAsync(_stop.Token);
                        return;
                    }
                    else
                    {
                        await writer.WriteLineAsync("250 OK");
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The client went away or the server stopped.
            }
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
