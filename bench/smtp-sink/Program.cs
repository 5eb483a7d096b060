using System.Buffers;
using System.Net;
using System.Text;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

// An SMTP server for benchmarks: accepts every message, counts them, and keeps the ones whose subject starts with
// "Confirm" (sender verification), or with another given prefix, as .eml files in the given folder.
// Usage: smtp-sink <port> <folder> [seconds] [subject prefix to keep]
var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
var folder = args[1];
var lifetime = TimeSpan.FromSeconds(
    args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1800);
Directory.CreateDirectory(folder);

var store = new CountingStore(folder, args.Length > 3 ? args[3] : "Confirm");
var options = new SmtpServerOptionsBuilder()
    .ServerName("sink.bench")
    // The library ends every session two minutes after it began, whatever it is doing: a message being received then
    // is answered with a bare 554. Benchmarks keep their connections for longer than that.
    .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port)).SessionTimeout(lifetime))
    .MaxMessageSize(64 * 1024 * 1024)
    .Build();
var services = new SmtpServer.ComponentModel.ServiceProvider();
services.Add(store);
services.Add((SmtpServer.Net.IEndpointListenerFactory)new NoDelayListeners());
var server = new SmtpServer.SmtpServer(options, services);
using var stop = new CancellationTokenSource(lifetime);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
var running = server.StartAsync(stop.Token);
var count = Path.Combine(folder, "count");
while (!stop.IsCancellationRequested)
{
    // Written aside and renamed: a reader never sees a half-written number.
    await File.WriteAllTextAsync(
        count + ".tmp", store.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    File.Move(count + ".tmp", count, overwrite: true);
    try
    {
        await Task.Delay(200, stop.Token);
    }
    catch (OperationCanceledException)
    {
        break;
    }
}

server.Shutdown();
await running;

// Replies go out at once: with Nagle's algorithm on the server's side too, each connection manages about ten
// messages a second, whatever the client does.
internal sealed class NoDelayListeners : SmtpServer.Net.IEndpointListenerFactory
{
    public SmtpServer.Net.IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
    {
        var listener = new System.Net.Sockets.TcpListener(endpointDefinition.Endpoint);
        listener.Start();
        return new Listener(listener);
    }

    private sealed class Listener(System.Net.Sockets.TcpListener listener) : SmtpServer.Net.IEndpointListener
    {
        public async Task<SmtpServer.IO.ISecurableDuplexPipe> GetPipeAsync(
            ISessionContext context, CancellationToken cancellationToken)
        {
            var client = await listener.AcceptTcpClientAsync(cancellationToken);
            client.NoDelay = true;
            return new PlainPipe(client);
        }

        public void Dispose() => listener.Stop();
    }

    // The sink speaks plain SMTP only (no STARTTLS).
    private sealed class PlainPipe(System.Net.Sockets.TcpClient client) : SmtpServer.IO.ISecurableDuplexPipe
    {
        public System.IO.Pipelines.PipeReader Input { get; } =
            System.IO.Pipelines.PipeReader.Create(client.GetStream());

        public System.IO.Pipelines.PipeWriter Output { get; } =
            System.IO.Pipelines.PipeWriter.Create(client.GetStream());

        public bool IsSecure => false;

        public System.Security.Authentication.SslProtocols SslProtocol =>
            System.Security.Authentication.SslProtocols.None;

        public Task UpgradeAsync(
            System.Security.Cryptography.X509Certificates.X509Certificate certificate,
            System.Security.Authentication.SslProtocols protocols,
            CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The benchmark sink has no TLS.");

        public void Dispose() => client.Dispose();
    }
}

internal sealed class CountingStore(string folder, string keep) : MessageStore
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public override async Task<SmtpResponse> SaveAsync(
        ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
        CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        var head = Encoding.ASCII.GetString(buffer.Slice(0, Math.Min(buffer.Length, 4096)).ToArray());
        if (head.Contains("\nSubject: Confirm", StringComparison.Ordinal)
            || head.Contains("\nSubject: " + keep, StringComparison.Ordinal))
        {
            await File.WriteAllBytesAsync(
                Path.Combine(folder, $"{Guid.NewGuid():N}.eml"), buffer.ToArray(), cancellationToken);
        }

        return SmtpResponse.Ok;
    }
}
